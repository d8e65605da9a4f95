// The two canvases' size and shared zoom/pan: wheel zooms about the cursor, drag pans; on a touch
// screen two fingers pinch (zoom about their midpoint, which pans as it moves), one pans and a
// double tap resets. Both canvases show the same normalised image region, so the original and the
// 4x output stay in step.
import { viewTransform, type Viewport } from '../passes/present';

/** A second tap within this long and this near the first resets the view: touch browsers do not
 *  all fire dblclick. */
export const DOUBLE_TAP_MS = 300;
export const DOUBLE_TAP_PX = 30;
/** A touch that moves further than this is a drag, not a tap. */
const TAP_SLOP_PX = 10;

interface Touch {
  x: number;
  y: number;
  x0: number;
  y0: number;
  canvas: HTMLCanvasElement;
  /** false once it moved past the slop or shared the gesture with another finger */
  tap: boolean;
}

export class ViewportController {
  readonly view: Viewport = { zoom: 1, cx: 0.5, cy: 0.5 };
  private canvases: HTMLCanvasElement[] = [];
  /** the pointers down, by pointerId, in the order they came down */
  private readonly pointers = new Map<number, Touch>();
  private lastTap: { t: number; x: number; y: number } | null = null;
  private readonly ac = new AbortController();

  constructor(
    /** image aspect source: width/height of the displayed image */
    private readonly imageSize: () => { w: number; h: number } | null,
    private readonly onChange: () => void,
  ) {}

  attach(...canvases: HTMLCanvasElement[]): void {
    const o = { signal: this.ac.signal };
    for (const c of canvases) {
      this.canvases.push(c);
      c.addEventListener('wheel', (e) => this.onWheel(e, c), { ...o, passive: false });
      c.addEventListener('pointerdown', (e) => this.onDown(e, c), o);
      c.addEventListener('pointermove', (e) => this.onMove(e), o);
      c.addEventListener('pointerup', (e) => this.onUp(e, true), o);
      c.addEventListener('pointercancel', (e) => this.onUp(e, false), o);
      c.addEventListener('dblclick', () => this.reset(), o);
    }
  }

  /** Canvas backing sizes follow their CSS size (at most 2 device pixels to a CSS pixel). */
  fitCanvases(): void {
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    for (const c of this.canvases) {
      const w = Math.max(1, Math.round(c.clientWidth * dpr)), h = Math.max(1, Math.round(c.clientHeight * dpr));
      if (c.width !== w || c.height !== h) {
        c.width = w;
        c.height = h;
      }
    }
    this.onChange();
  }

  reset(): void {
    Object.assign(this.view, { zoom: 1, cx: 0.5, cy: 0.5 });
    this.onChange();
  }

  /** Zoom by `factor` about canvas point (u, v) in 0..1. */
  zoomAt(c: HTMLCanvasElement, factor: number, u: number, v: number): void {
    const img = this.imageSize();
    if (!img) return;
    const before = viewTransform(this.view, c.clientWidth || 1, c.clientHeight || 1, img.w, img.h);
    const z = Math.min(256, Math.max(0.25, this.view.zoom * factor));
    const f = this.view.zoom / z;
    // keep the image point under the cursor fixed
    const sx = before.scale[0] * f, sy = before.scale[1] * f;
    const ox = before.offset[0] + u * (before.scale[0] - sx), oy = before.offset[1] + v * (before.scale[1] - sy);
    Object.assign(this.view, { zoom: z, cx: ox + sx / 2, cy: oy + sy / 2 });
    this.onChange();
  }

  /** Moves the image with the pointer by (dx, dy) CSS pixels of canvas `c`. */
  private panBy(c: HTMLCanvasElement, dx: number, dy: number): void {
    const img = this.imageSize();
    if (!img) return;
    const t = viewTransform(this.view, c.clientWidth || 1, c.clientHeight || 1, img.w, img.h);
    this.view.cx -= (dx / (c.clientWidth || 1)) * t.scale[0];
    this.view.cy -= (dy / (c.clientHeight || 1)) * t.scale[1];
    this.onChange();
  }

  private onWheel(e: WheelEvent, c: HTMLCanvasElement): void {
    e.preventDefault();
    const r = c.getBoundingClientRect();
    this.zoomAt(c, Math.exp(-e.deltaY * 0.0015), (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
  }

  private onDown(e: PointerEvent, c: HTMLCanvasElement): void {
    const shared = this.pointers.size > 0;
    for (const p of this.pointers.values()) p.tap = false;
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY, x0: e.clientX, y0: e.clientY, canvas: c, tap: !shared && e.pointerType !== 'mouse' });
    c.setPointerCapture(e.pointerId);
  }

  private onMove(e: PointerEvent): void {
    const p = this.pointers.get(e.pointerId);
    if (!p) return;
    if (Math.hypot(e.clientX - p.x0, e.clientY - p.y0) > TAP_SLOP_PX) p.tap = false;
    const [a, b] = this.pointers.values();
    if (!b) {
      this.panBy(p.canvas, e.clientX - p.x, e.clientY - p.y);
      p.x = e.clientX;
      p.y = e.clientY;
      return;
    }
    if (p !== a && p !== b) {
      // a third finger does not steer: the first two do
      p.x = e.clientX;
      p.y = e.clientY;
      return;
    }
    // Pinch, from the first finger's canvas. Moving the image with the midpoint, then zooming by
    // the distances' ratio about the new midpoint, keeps the image point that was under the old
    // midpoint under the new one: step by step, so the whole gesture does too.
    const c = a.canvas;
    const m0x = (a.x + b.x) / 2, m0y = (a.y + b.y) / 2, d0 = Math.hypot(a.x - b.x, a.y - b.y);
    p.x = e.clientX;
    p.y = e.clientY;
    const m1x = (a.x + b.x) / 2, m1y = (a.y + b.y) / 2, d1 = Math.hypot(a.x - b.x, a.y - b.y);
    this.panBy(c, m1x - m0x, m1y - m0y);
    if (d0 > 0 && d1 > 0) {
      const r = c.getBoundingClientRect();
      this.zoomAt(c, d1 / d0, (m1x - r.left) / r.width, (m1y - r.top) / r.height);
    }
  }

  private onUp(e: PointerEvent, completed: boolean): void {
    const p = this.pointers.get(e.pointerId);
    if (!p) return;
    this.pointers.delete(e.pointerId);
    if (!completed || !p.tap) {
      // a drag or pinch between two taps makes them two single taps
      this.lastTap = null;
      return;
    }
    const t = e.timeStamp, last = this.lastTap;
    if (last && t - last.t <= DOUBLE_TAP_MS && Math.hypot(e.clientX - last.x, e.clientY - last.y) <= DOUBLE_TAP_PX) {
      this.lastTap = null;
      this.reset();
    } else this.lastTap = { t, x: e.clientX, y: e.clientY };
  }

  dispose(): void {
    this.ac.abort();
    this.canvases = [];
    this.pointers.clear();
  }
}
