// The CPU path's present: only the pixels a canvas shows are computed, straight from the model's
// float output (full, low or high view) or, before the first model frame, from the bicubic upscale
// of the input. A 1024x1024 frame's 4096x4096 output is 16.8 M pixels; a ~600x600 canvas is 0.36 M,
// so drawing costs a few ms whatever the output size. Same sampling as the GPU present pass
// (present.wgsl): bilinear when magnified, a box of taps over each pixel's footprint when minified.
import { cubic, type Image } from '../metrics/filters';
import type { ViewMode } from '../params';
import type { Rect } from '../view/lens';
import { footprintTaps, viewTransform, type Viewport } from '../passes/present';
import type { Ctx2d, PaneInput } from './scaledInput';

/** At most this many taps per axis on the CPU (the GPU takes up to 8: MAX_TAPS). */
const CPU_TAPS = 4;
const BG = [18, 18, 20];

/** An input whose pixels are read when asked for (cpuImage.ts Pixels): a lens's view needs the
 *  crop's, which the model read already, and the rest only where it shows more than that. */
export interface InputPixels {
  readonly width: number;
  readonly height: number;
  whole(): Image;
  region(r: Rect): Image;
}

export type ViewSource =
  | { kind: 'tensor'; width: number; height: number; full: Float32Array; low: Float32Array | null; view: ViewMode; gain: number }
  | { kind: 'bicubic'; input: Image }
  /** the lens: the model's output on `crop` inside `region`, bicubic of `input` around it (input pixels) */
  | { kind: 'lens'; input: InputPixels; region: Rect; crop: Rect; full: Float32Array; low: Float32Array | null; view: ViewMode; gain: number };

/** RGBA pixels of a cw x ch canvas showing `src` (of output size w x h) through the viewport; only
 *  those of `part` (canvas pixels, within the canvas) when given. */
export function renderView(cw: number, ch: number, vp: Viewport, src: ViewSource, part?: Rect): { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> } {
  const w = src.kind === 'tensor' ? src.width : src.input.width * 4;
  const h = src.kind === 'tensor' ? src.height : src.input.height * 4;
  const R = part ?? { x: 0, y: 0, width: cw, height: ch };
  const out = { width: R.width, height: R.height, data: new Uint8ClampedArray(R.width * R.height * 4) };
  const d = out.data;
  const t = viewTransform(vp, cw, ch, w, h);
  const f = footprintTaps(t.scale, cw, ch, w, h);
  const nx = Math.min(CPU_TAPS, f.taps[0]), ny = Math.min(CPU_TAPS, f.taps[1]);
  // uv between taps: the footprint split into nx x ny cells (coarser than the GPU's when capped)
  const sx = f.taps[0] === 1 ? 0 : (t.scale[0] / cw) / nx, sy = f.taps[1] === 1 ? 0 : (t.scale[1] / ch) / ny;
  const rgb = [0, 0, 0], acc = [0, 0, 0];
  // minified, several taps already average each pixel's footprint: bicubic at each tap would cost
  // 16 reads for what a bilinear read of the input gives within a level
  const one = nx * ny === 1;
  const sample = src.kind === 'tensor' ? tensorSampler(src, one) : src.kind === 'bicubic' ? (one ? bicubicSampler(src.input) : inputSampler(src.input)) : lensSampler(src, one);
  for (let py = R.y; py < R.y + R.height; py++) {
    const v0 = ((py + 0.5) / ch) * t.scale[1] + t.offset[1] - (sy * (ny - 1)) / 2;
    for (let px = R.x; px < R.x + R.width; px++) {
      const u0 = ((px + 0.5) / cw) * t.scale[0] + t.offset[0] - (sx * (nx - 1)) / 2;
      const o = ((py - R.y) * R.width + px - R.x) * 4;
      const uc = u0 + (sx * (nx - 1)) / 2, vc = v0 + (sy * (ny - 1)) / 2;
      if (uc < 0 || uc > 1 || vc < 0 || vc > 1) {
        d[o] = BG[0];
        d[o + 1] = BG[1];
        d[o + 2] = BG[2];
        d[o + 3] = 255;
        continue;
      }
      acc[0] = acc[1] = acc[2] = 0;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          sample((u0 + i * sx) * w - 0.5, (v0 + j * sy) * h - 0.5, rgb);
          acc[0] += rgb[0];
          acc[1] += rgb[1];
          acc[2] += rgb[2];
        }
      }
      // a Uint8ClampedArray rounds to the nearest on assignment (ties to even)
      const k = 255 / (nx * ny);
      d[o] = acc[0] * k;
      d[o + 1] = acc[1] * k;
      d[o + 2] = acc[2] * k;
      d[o + 3] = 255;
    }
  }
  return out;
}

type Sampler = (x: number, y: number, out: number[]) => void;

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** The model's output at pixel position (x, y) (texel centres at integers), in [0, 1]:
 *  bilinear between the four nearest (one tap per canvas pixel), else the nearest. */
function tensorSampler(s: Extract<ViewSource, { kind: 'tensor' }>, bilinear: boolean): Sampler {
  const { width: w, height: h, full, low, view, gain } = s;
  const n = w * h;
  const value = view === 'full' || !low
    ? (c: number, i: number) => clamp01(full[c * n + i])
    : view === 'low'
      ? (c: number, i: number) => clamp01(low[c * n + i])
      : (c: number, i: number) => clamp01(0.5 + gain * (full[c * n + i] - low[c * n + i]));
  return (x, y, out) => {
    if (!bilinear) {
      const i = Math.min(h - 1, Math.max(0, Math.round(y))) * w + Math.min(w - 1, Math.max(0, Math.round(x)));
      for (let c = 0; c < 3; c++) out[c] = value(c, i);
      return;
    }
    const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
    const xa = Math.min(w - 1, Math.max(0, x0)), xb = Math.min(w - 1, Math.max(0, x0 + 1));
    const ya = Math.min(h - 1, Math.max(0, y0)), yb = Math.min(h - 1, Math.max(0, y0 + 1));
    for (let c = 0; c < 3; c++) {
      const top = value(c, ya * w + xa) * (1 - fx) + value(c, ya * w + xb) * fx;
      const bot = value(c, yb * w + xa) * (1 - fx) + value(c, yb * w + xb) * fx;
      out[c] = top * (1 - fy) + bot * fy;
    }
  };
}

/** Inside the lens's region (output pixels 4 x region) the model's output on the crop, else bicubic. */
function lensSampler(s: Extract<ViewSource, { kind: 'lens' }>, bilinear: boolean): Sampler {
  const { region: r, crop: c } = s, W = s.input.width, H = s.input.height;
  const inner = tensorSampler({ kind: 'tensor', width: 4 * c.width, height: 4 * c.height, full: s.full, low: s.low, view: s.view, gain: s.gain }, bilinear);
  const x0 = 4 * r.x - 0.5, x1 = 4 * (r.x + r.width) - 0.5, y0 = 4 * r.y - 0.5, y1 = 4 * (r.y + r.height) - 0.5;
  const dx = 4 * c.x, dy = 4 * c.y;
  // around the region: the crop's own pixels where every tap (bicubic: 2 input pixels either side)
  // falls 3 pixels inside the crop, or clamps at the frame's edge as the crop's does; the whole input
  // is read only for samples beyond that (a zoomed view wider than the crop)
  const cropIn = s.input.region(c);
  const near = bilinear ? bicubicSampler(cropIn) : inputSampler(cropIn);
  const nx0 = c.x === 0 ? -Infinity : 4 * (c.x + 3), nx1 = c.x + c.width === W ? Infinity : 4 * (c.x + c.width - 4);
  const ny0 = c.y === 0 ? -Infinity : 4 * (c.y + 3), ny1 = c.y + c.height === H ? Infinity : 4 * (c.y + c.height - 4);
  let far: Sampler | null = null;
  return (x, y, out) => {
    if (x >= x0 && x < x1 && y >= y0 && y < y1) inner(x - dx, y - dy, out);
    else if (x >= nx0 && x <= nx1 && y >= ny0 && y <= ny1) near(x - dx, y - dy, out);
    else (far ??= bilinear ? bicubicSampler(s.input.whole()) : inputSampler(s.input.whole()))(x, y, out);
  };
}

/** The input itself, bilinear, at output pixel position (x, y): a minified view of its bicubic
 *  upscale, which the box of taps averages anyway. */
function inputSampler(img: Image): Sampler {
  const W = img.width, H = img.height, C = img.channels, d = img.data;
  return (x, y, out) => {
    const u = (x + 0.5) / 4 - 0.5, v = (y + 0.5) / 4 - 0.5;
    const x0 = Math.floor(u), y0 = Math.floor(v), fx = u - x0, fy = v - y0;
    const xa = Math.min(W - 1, Math.max(0, x0)), xb = Math.min(W - 1, Math.max(0, x0 + 1));
    const ya = Math.min(H - 1, Math.max(0, y0)), yb = Math.min(H - 1, Math.max(0, y0 + 1));
    for (let c = 0; c < 3; c++) {
      const top = d[(ya * W + xa) * C + c] * (1 - fx) + d[(ya * W + xb) * C + c] * fx;
      const bot = d[(yb * W + xa) * C + c] * (1 - fx) + d[(yb * W + xb) * C + c] * fx;
      out[c] = (top * (1 - fy) + bot * fy) / 255;
    }
  };
}

/** bicubicUp4 of `img` (filters.ts: Keys a = -0.5, half-pixel centres, clamped edges) at the output
 *  pixel nearest (x, y), in [0, 1]: the preview shown until the model's first frame arrives. */
function bicubicSampler(img: Image): Sampler {
  const W = img.width, H = img.height, C = img.channels, d = img.data;
  // the four phases of a 4x upscale: output pixel o sits at input (o + 0.5) / 4 - 0.5
  const phase = [0, 1, 2, 3].map((p) => {
    const x = (p + 0.5) / 4 - 0.5, f = Math.floor(x), t = x - f;
    return { f, wt: [cubic(t + 1), cubic(t), cubic(1 - t), cubic(2 - t)] };
  });
  const ix = [0, 0, 0, 0], iy = [0, 0, 0, 0];
  return (x, y, out) => {
    const ox = Math.min(4 * W - 1, Math.max(0, Math.round(x))), oy = Math.min(4 * H - 1, Math.max(0, Math.round(y)));
    const px = phase[ox & 3], py = phase[oy & 3], bx = (ox >> 2) + px.f, by = (oy >> 2) + py.f;
    for (let k = 0; k < 4; k++) {
      ix[k] = Math.min(W - 1, Math.max(0, bx - 1 + k));
      iy[k] = Math.min(H - 1, Math.max(0, by - 1 + k));
    }
    for (let c = 0; c < 3; c++) {
      let acc = 0;
      for (let a = 0; a < 4; a++) {
        const row = iy[a] * W;
        let r = 0;
        for (let b = 0; b < 4; b++) r += px.wt[b] * d[(row + ix[b]) * C + c];
        acc += py.wt[a] * r;
      }
      out[c] = clamp01(Math.round(clamp01(acc / 255) * 255) / 255); // as bicubicUp4 rounds to 8 bits
    }
  };
}

/** Draws `src` into a canvas through the viewport, computing as few pixels as it can: magnified
 *  (fewer output pixels visible than the canvas has), just the visible output pixels, exact, which
 *  the canvas then scales up with its own bilinear filter; minified, one box-filtered value per
 *  canvas pixel (renderView). `inputImage` (the input as the panes draw it: scaledInput.ts), when given, lets a
 *  minified bicubic view, and a lens's surroundings, be the browser's own high-quality scaling of
 *  the input: a canvas pixel then covers more than one pixel of the 4x upscale, which it averages
 *  anyway, and the CPU computes only the lens's own canvas pixels (on a 1024x1024 frame the whole
 *  view in JS cost ~150 ms a frame, more than the lens's model). */
export function drawView(g: Ctx2d, cw: number, ch: number, vp: Viewport, src: ViewSource, scratch: OffscreenCanvas, inputImage?: PaneInput): void {
  const w = src.kind === 'tensor' ? src.width : src.input.width * 4;
  const h = src.kind === 'tensor' ? src.height : src.input.height * 4;
  const t = viewTransform(vp, cw, ch, w, h);
  const px = (x: number) => ((x / w - t.offset[0]) / t.scale[0]) * cw, py = (y: number) => ((y / h - t.offset[1]) / t.scale[1]) * ch;
  const x0 = Math.max(0, Math.floor(t.offset[0] * w)), x1 = Math.min(w, Math.ceil((t.offset[0] + t.scale[0]) * w));
  const y0 = Math.max(0, Math.floor(t.offset[1] * h)), y1 = Math.min(h, Math.ceil((t.offset[1] + t.scale[1]) * h));
  const background = () => {
    g.fillStyle = `rgb(${BG.join(',')})`;
    g.fillRect(0, 0, cw, ch);
  };
  if (x1 <= x0 || y1 <= y0 || x1 - x0 > cw || y1 - y0 > ch) {
    if (inputImage && src.kind !== 'tensor') {
      background();
      inputImage.draw(g, px(0), py(0), px(w) - px(0), py(h) - py(0), 'smooth');
      if (src.kind === 'bicubic') return;
      // the lens's canvas pixels (those its region touches), from the model's output
      const r = src.region;
      const cx0 = Math.max(0, Math.floor(px(4 * r.x))), cx1 = Math.min(cw, Math.ceil(px(4 * (r.x + r.width))));
      const cy0 = Math.max(0, Math.floor(py(4 * r.y))), cy1 = Math.min(ch, Math.ceil(py(4 * (r.y + r.height))));
      if (cx1 <= cx0 || cy1 <= cy0) return;
      const v = renderView(cw, ch, vp, src, { x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0 });
      g.putImageData(new ImageData(v.data, v.width, v.height), cx0, cy0);
      return;
    }
    const v = renderView(cw, ch, vp, src);
    g.putImageData(new ImageData(v.data, v.width, v.height), 0, 0);
    return;
  }
  const r = renderRegion(src, x0, y0, x1 - x0, y1 - y0);
  scratch.width = r.width;
  scratch.height = r.height;
  scratch.getContext('2d')!.putImageData(new ImageData(r.data, r.width, r.height), 0, 0);
  background();
  g.imageSmoothingEnabled = true;
  g.drawImage(scratch, px(x0), py(y0), px(x1) - px(x0), py(y1) - py(y0));
}

/** The output pixels of `src` in the rectangle (x, y, w, h), exact (one texel each), as RGBA. */
export function renderRegion(src: ViewSource, x: number, y: number, w: number, h: number): { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> } {
  const data = new Uint8ClampedArray(w * h * 4);
  const sample = src.kind === 'tensor' ? tensorSampler(src, false) : src.kind === 'bicubic' ? bicubicSampler(src.input) : lensSampler(src, false);
  const rgb = [0, 0, 0];
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      sample(x + i, y + j, rgb);
      const o = (j * w + i) * 4;
      data[o] = rgb[0] * 255;
      data[o + 1] = rgb[1] * 255;
      data[o + 2] = rgb[2] * 255;
      data[o + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}
