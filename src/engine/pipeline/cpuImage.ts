// Small pixel conversions of the CPU frame path (cpu.ts): crops, RGB <-> RGBA, a view's whole
// picture at output size; and the frame's pixels, read only as far as they are needed.
import type { Image } from '../metrics/filters';
import { sameRect, type LensRegions, type Rect } from '../view/lens';
import { renderView, type ViewSource } from './cpuView';
import type { YuvImage } from './yuv';

/** An image whose pixels are read when asked for, whole or a region at a time: a lens needs its crop
 *  of the decoded frame (a few KB), not the whole 1024x1024 frame (4 MB, ~4 ms to read back from
 *  the canvas each frame). */
export class Pixels {
  private all: Image | null;
  private last: { r: Rect; img: Image } | null = null;

  private constructor(readonly width: number, readonly height: number, private read: ((r: Rect) => Image) | null, all: Image | null) {
    this.all = all;
  }

  static of(img: Image): Pixels {
    return new Pixels(img.width, img.height, null, img);
  }

  /** The pixels drawn in `g` (w x h from its origin), as RGBA; valid until the canvas is drawn over
   *  (then `detach`). */
  static canvas(g: OffscreenCanvasRenderingContext2D, width: number, height: number): Pixels {
    const read = (r: Rect): Image => ({ width: r.width, height: r.height, channels: 4, data: g.getImageData(r.x, r.y, r.width, r.height).data });
    return new Pixels(width, height, read, null);
  }

  /** A decoded frame's pixels, converted from its Y'CbCr planes as asked for (yuv/index.ts). */
  static yuv(img: YuvImage): Pixels {
    return new Pixels(img.width, img.height, (r) => img.region(r), null);
  }

  whole(): Image {
    return (this.all ??= this.readRect({ x: 0, y: 0, width: this.width, height: this.height }));
  }

  /** The pixels in `r` (within the image); the last region asked for is kept (the lens's crop is
   *  asked for by the model, the view and the PSNR). */
  region(r: Rect): Image {
    if (this.last && sameRect(this.last.r, r)) return this.last.img;
    const img = this.all ? cropImage(this.all, r) : this.readRect(r);
    this.last = { r: { ...r }, img };
    return img;
  }

  /** The canvas holds another frame now: what was not read is gone (reading it throws, rather than
   *  returning the next frame's pixels). */
  detach(): void {
    this.read = null;
  }

  private readRect(r: Rect): Image {
    if (!this.read) throw new Error('the frame\'s pixels were not kept');
    return this.read(r);
  }
}

/** The pixels of `img` in `r` (within it), same channels. */
export function cropImage(img: Image, r: Rect): Image {
  const C = img.channels, out = new Uint8Array(r.width * r.height * C);
  for (let y = 0; y < r.height; y++) {
    const from = ((r.y + y) * img.width + r.x) * C;
    for (let i = 0; i < r.width * C; i++) out[y * r.width * C + i] = img.data[from + i];
  }
  return { width: r.width, height: r.height, channels: C, data: out };
}

/** RGB(A) -> RGBA with opaque alpha (what the read-backs and VideoFrames take). */
export function toRgba(img: Image): { width: number; height: number; rgba: Uint8Array } {
  const n = img.width * img.height, out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 4 + c] = img.data[i * img.channels + c];
    out[i * 4 + 3] = 255;
  }
  return { width: img.width, height: img.height, rgba: out };
}

/** `src` at output size, 1:1 (a lens: the model inside its region, bicubic around it), as 8-bit RGB. */
export function wholeRgb(w: number, h: number, src: ViewSource): Uint8Array {
  const v = renderView(w, h, { zoom: 1, cx: 0.5, cy: 0.5 }, src).data, n = w * h, out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = v[i * 4 + c];
  return out;
}

/** The 8-bit pixels of a lens's region (output pixels 4 x region) from a tensor made on its crop,
 *  clamped and rounded as nchwTo8bit does: a few thousand pixels, where the composite at output
 *  size is 16.8 M for a 1024x1024 frame. */
export function lensRegion8(t: Float32Array, lens: LensRegions): Image {
  const { region: r, crop: c } = lens;
  const W = 4 * c.width, n = W * 4 * c.height, x0 = 4 * (r.x - c.x), y0 = 4 * (r.y - c.y), w = 4 * r.width, h = 4 * r.height;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < 3; k++) {
    const v = t[k * n + (y0 + y) * W + x0 + x];
    out[(y * w + x) * 3 + k] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
  }
  return { width: w, height: h, channels: 3, data: out };
}
