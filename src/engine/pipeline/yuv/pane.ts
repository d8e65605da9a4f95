// A decoded frame as a pane draws it, from its Y'CbCr planes (index.ts): minified (the default
// view, ~600x600 of a 1024x1024 frame), converted straight at the canvas's pixels, and the second
// pane showing the same rectangle gets the same pixels again rather than a second conversion;
// magnified, only the frame pixels in view are converted and the canvas scales them up.
import type { Ctx2d, PaneInput } from '../scaledInput';
import type { YuvImage } from './index';

/** Frame pixels either side of a magnified view: the canvas's bicubic reads 2 around each pixel. */
const MARGIN = 2;

export class YuvPaneInput implements PaneInput {
  private frame: YuvImage | null = null;
  /** the last minified picture (its rectangle and canvas size as key: '' after a new frame), its
   *  array kept for the next */
  private last = { key: '', pixels: null as ImageData | null };
  private readonly visible = new OffscreenCanvas(1, 1);

  /** A new frame. */
  set(frame: YuvImage): this {
    this.frame = frame;
    this.last.key = '';
    return this;
  }

  draw(g: Ctx2d, x: number, y: number, w: number, h: number, magnified: 'pixelated' | 'smooth'): void {
    const f = this.frame, cw = g.canvas.width, ch = g.canvas.height;
    if (!f) return;
    // the canvas pixels whose centres the picture covers
    const x0 = Math.max(0, Math.ceil(x - 0.5)), x1 = Math.min(cw, Math.ceil(x + w - 0.5));
    const y0 = Math.max(0, Math.ceil(y - 0.5)), y1 = Math.min(ch, Math.ceil(y + h - 0.5));
    if (x1 <= x0 || y1 <= y0 || w <= 0 || h <= 0) return;
    const sx = f.width / w, sy = f.height / h; // frame pixels per canvas pixel
    if (w < f.width) {
      const key = `${x},${y},${w},${h},${cw},${ch}`;
      const last = this.last;
      if (last.key !== key) {
        const dw = x1 - x0, dh = y1 - y0, reuse = last.pixels?.width === dw && last.pixels.height === dh ? last.pixels.data : undefined;
        const data = f.scaled((x0 - x) * sx, (y0 - y) * sy, dw * sx, dh * sy, dw, dh, reuse);
        if (data !== reuse) last.pixels = new ImageData(data, dw, dh);
        last.key = key;
      }
      g.putImageData(last.pixels!, x0, y0);
      return;
    }
    const fx0 = Math.max(0, Math.floor((x0 - x) * sx) - MARGIN), fx1 = Math.min(f.width, Math.ceil((x1 - x) * sx) + MARGIN);
    const fy0 = Math.max(0, Math.floor((y0 - y) * sy) - MARGIN), fy1 = Math.min(f.height, Math.ceil((y1 - y) * sy) + MARGIN);
    const r = f.region({ x: fx0, y: fy0, width: fx1 - fx0, height: fy1 - fy0 }), c = this.visible;
    if (c.width !== r.width || c.height !== r.height) {
      c.width = r.width;
      c.height = r.height;
    }
    c.getContext('2d')!.putImageData(new ImageData(r.data, r.width, r.height), 0, 0);
    g.imageSmoothingEnabled = magnified === 'smooth';
    g.imageSmoothingQuality = 'high';
    g.drawImage(c, x + fx0 / sx, y + fy0 / sy, r.width / sx, r.height / sy);
  }
}
