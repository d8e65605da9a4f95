// The lens: where the whole frame cannot keep the video's rate, the model runs only on the part of
// the frame the zoomed view shows, and the rest shows the bicubic upscale. The network sees 17
// pixels around each output pixel (17 3x3 convolutions before the pixel shuffle), so the model runs
// on the region plus a 17-pixel margin (clamped at the frame's edges, where the whole frame is
// zero-padded just the same): inside the region its pixels are the whole-frame output's, exactly.
import { viewTransform, type Viewport } from '../passes/present';

/** The network's receptive-field radius in input pixels: 17 convolutions of 3x3. */
export const MARGIN = 17;
/** Lens sides are multiples of this (input pixels), so panning and small zooms keep the crop's size
 *  and the runners keep their per-size buffers. */
const QUANTUM = 8;
/** The smallest lens worth showing (input pixels a side). */
export const MIN_SIDE = 16;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LensRegions {
  /** what the model's output is shown for (input pixels) */
  region: Rect;
  /** what the model runs on: the region plus the margin, within the frame */
  crop: Rect;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** The lens for an input of w x h seen through `vp` in a canvas of cw x ch: the visible part of the
 *  frame, at most `maxSide` input pixels a side (the rate it can hold), centred on the view. */
export function lensRegions(vp: Viewport, cw: number, ch: number, w: number, h: number, maxSide = Infinity): LensRegions {
  const t = viewTransform(vp, cw, ch, w, h);
  // visible part of the image, in input pixels
  const x0 = clamp(t.offset[0], 0, 1) * w, x1 = clamp(t.offset[0] + t.scale[0], 0, 1) * w;
  const y0 = clamp(t.offset[1], 0, 1) * h, y1 = clamp(t.offset[1] + t.scale[1], 0, 1) * h;
  const side = (lo: number, hi: number, n: number) => {
    const want = Math.min(hi - lo, maxSide);
    const q = Math.ceil(want / QUANTUM) * QUANTUM;
    return clamp(q, Math.min(MIN_SIDE, n), n);
  };
  const rw = side(x0, x1, w), rh = side(y0, y1, h);
  const cx = clamp((x0 + x1) / 2, 0, w), cy = clamp((y0 + y1) / 2, 0, h);
  const rx = clamp(Math.round(cx - rw / 2), 0, w - rw), ry = clamp(Math.round(cy - rh / 2), 0, h - rh);
  const region = { x: rx, y: ry, width: rw, height: rh };
  const cx0 = Math.max(0, rx - MARGIN), cy0 = Math.max(0, ry - MARGIN);
  const crop = { x: cx0, y: cy0, width: Math.min(w, rx + rw + MARGIN) - cx0, height: Math.min(h, ry + rh + MARGIN) - cy0 };
  return { region, crop };
}

/** The largest region side whose crop (side + 2 margins, squared) the model runs in `frameMs`,
 *  at `pxPerMs` input pixels per ms (measured), with `headroom` for the rest of the frame. */
export function sideForRate(pxPerMs: number, frameMs: number, headroom = 0.8): number {
  const crop = Math.sqrt(Math.max(0, pxPerMs * frameMs * headroom));
  return Math.max(MIN_SIDE, Math.floor((crop - 2 * MARGIN) / QUANTUM) * QUANTUM);
}

export const sameRect = (a: Rect | null | undefined, b: Rect | null | undefined): boolean =>
  !!a && !!b && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/** The lens's switch and size: on by request (L, the button: the whole visible region), or by itself
 *  when the player falls behind (then no larger than the model can run at the video's rate). */
export class LensControl {
  on = false;
  auto = false;
  /** largest region side, input pixels */
  maxSide = Infinity;
  /** the regions the current outputs were made for (the engine re-runs the model when they move) */
  last: LensRegions | null = null;
  /** on at a fixed size while the device's rate is measured (ladderControl.ts): not refitted */
  held = false;

  toggle(): void {
    this.on = !this.on;
    this.auto = false;
    this.held = false;
    this.maxSide = Infinity;
  }

  /** Falling behind: on, sized for the measured throughput (input pixels per ms of model time). */
  engage(pxPerMs: number, frameMs: number): void {
    this.on = true;
    this.auto = true;
    this.held = false;
    this.maxSide = sideForRate(pxPerMs, frameMs);
  }

  /** On by itself at `side`, held there: the model's time on a small region, before a whole frame
   *  (seconds on a CPU) has to be waited for. */
  hold(side: number): void {
    this.engage(1, 1);
    this.held = true;
    this.maxSide = side;
  }

  /** Off, where it came on by itself (one the user switched on stays). */
  release(): void {
    if (!this.auto) return;
    this.on = this.auto = this.held = false;
    this.maxSide = Infinity;
  }

  /** With the lens on, re-fit its size to what its own frames measure (they include the margin). */
  refit(cropArea: number, modelMs: number, frameMs: number): void {
    if (!this.auto || this.held || !(modelMs > 0)) return;
    this.maxSide = sideForRate(cropArea / modelMs, frameMs);
  }

  regions(vp: Viewport, cw: number, ch: number, w: number, h: number): LensRegions | null {
    return this.on && w > 0 && h > 0 ? lensRegions(vp, cw, ch, w, h, this.maxSide) : null;
  }
}
