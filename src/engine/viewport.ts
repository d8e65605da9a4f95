// The two canvases' size and shared zoom/pan: wheel zooms about the cursor, drag pans. Both canvases show
// the same normalised image region, so the original and the 4x output stay in step.
import { viewTransform, type Viewport } from './passes/present';

export class ViewportController {
  readonly view: Viewport = { zoom: 1, cx: 0.5, cy: 0.5 };
  private canvases: HTMLCanvasElement[] = [];
  private drag: { id: number; x: number; y: number; canvas: HTMLCanvasElement } | null = null;
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
      c.addEventListener('pointerdown', (e) => {
        this.drag = { id: e.pointerId, x: e.clientX, y: e.clientY, canvas: c };
        c.setPointerCapture(e.pointerId);
      }, o);
      c.addEventListener('pointermove', (e) => this.onMove(e), o);
      const end = (e: PointerEvent) => {
        if (this.drag?.id === e.pointerId) this.drag = null;
      };
      c.addEventListener('pointerup', end, o);
      c.addEventListener('pointercancel', end, o);
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

  private onWheel(e: WheelEvent, c: HTMLCanvasElement): void {
    e.preventDefault();
    const r = c.getBoundingClientRect();
    this.zoomAt(c, Math.exp(-e.deltaY * 0.0015), (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
  }

  private onMove(e: PointerEvent): void {
    const d = this.drag;
    const img = this.imageSize();
    if (!d || d.id !== e.pointerId || !img) return;
    const c = d.canvas;
    const t = viewTransform(this.view, c.clientWidth || 1, c.clientHeight || 1, img.w, img.h);
    this.view.cx -= ((e.clientX - d.x) / (c.clientWidth || 1)) * t.scale[0];
    this.view.cy -= ((e.clientY - d.y) / (c.clientHeight || 1)) * t.scale[1];
    d.x = e.clientX;
    d.y = e.clientY;
    this.onChange();
  }

  dispose(): void {
    this.ac.abort();
    this.canvases = [];
  }
}
