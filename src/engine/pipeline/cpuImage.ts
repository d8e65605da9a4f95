// Small pixel conversions of the CPU frame path (cpu.ts): crops, RGB <-> RGBA, a view's whole
// picture at output size.
import type { Image } from '../filters';
import type { Rect } from '../lens';
import { renderView, type ViewSource } from './cpuView';

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
