// CPU reference implementations of the filters and the PSNR convention that training/data.py and
// training/evaluate.py use. The GPU passes implement the same maths; these are what unit tests pin
// to hand-computed values, what the e2e tests compare the GPU against, and the no-GPU fallback.

/** Keys cubic kernel with a = -0.5 (MATLAB's imresize 'bicubic'). */
export function cubic(t: number, a = -0.5): number {
  const x = Math.abs(t);
  if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
  if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
  return 0;
}

/** The 16 weights of MATLAB imresize bicubic at scale 1/4 (antialiased kernel, width 4*4).
 *  Output pixel i takes input taps j = 4i-6 .. 4i+9, d = j - (4i+1.5) = k - 7.5 for k = 0..15,
 *  weight cubic(d/4), normalised to sum 1. The same for every output pixel. */
export function downscaleWeights(): Float64Array {
  const w = new Float64Array(16);
  let s = 0;
  for (let k = 0; k < 16; k++) {
    w[k] = cubic((k - 7.5) / 4);
    s += w[k];
  }
  for (let k = 0; k < 16; k++) w[k] /= s;
  return w;
}

/** Symmetric mirror including the edge pixel: -1 -> 0, -2 -> 1, n -> n-1, n+1 -> n-2. */
export function mirror(i: number, n: number): number {
  let j = i;
  // loop: handles taps more than n outside (tiny images)
  for (;;) {
    if (j < 0) j = -j - 1;
    else if (j >= n) j = 2 * n - 1 - j;
    else return j;
  }
}

/** An RGBA or RGB image with 8-bit or float samples, row-major, interleaved. */
export interface Image {
  width: number;
  height: number;
  channels: 3 | 4;
  data: ArrayLike<number>;
}

const round8 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);

/** 4x MATLAB-bicubic downscale of an 8-bit RGB(A) image; result 8-bit RGB, floor(w/4) x floor(h/4).
 *  The input is cropped to a multiple of 4 first (mirroring happens at the cropped edge). */
export function downscale4(img: Image): { width: number; height: number; data: Uint8Array } {
  const w = downscaleWeights();
  const W = img.width - (img.width % 4), H = img.height - (img.height % 4);
  const ow = W / 4, oh = H / 4, C = img.channels, d = img.data;
  const out = new Uint8Array(ow * oh * 3);
  // separable: each row's 16-tap sums first (what the 2-D loop summed for every output row that
  // reads that row, so the same values in the same order), then 16 of them down each column
  // tap offsets into `d` (mirrored columns, times the channels); each channel summed in tap order,
  // three at a time
  const xs = Int32Array.from({ length: ow * 16 }, (_, i) => mirror(4 * Math.floor(i / 16) - 6 + (i % 16), W) * C);
  const rows = new Float64Array(H * ow * 3);
  for (let y = 0; y < H; y++) {
    const base = y * img.width * C;
    for (let ox = 0; ox < ow; ox++) {
      let r = 0, g = 0, b = 0;
      for (let kx = 0; kx < 16; kx++) {
        const i = base + xs[ox * 16 + kx], wk = w[kx];
        r += wk * d[i];
        g += wk * d[i + 1];
        b += wk * d[i + 2];
      }
      const o = (y * ow + ox) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  const ys = new Int32Array(16);
  for (let oy = 0; oy < oh; oy++) {
    for (let ky = 0; ky < 16; ky++) ys[ky] = mirror(4 * oy - 6 + ky, H) * ow * 3;
    for (let ox = 0; ox < ow; ox++) {
      let r = 0, g = 0, b = 0;
      for (let ky = 0; ky < 16; ky++) {
        const i = ys[ky] + ox * 3, wk = w[ky];
        r += wk * rows[i];
        g += wk * rows[i + 1];
        b += wk * rows[i + 2];
      }
      const o = (oy * ow + ox) * 3;
      out[o] = round8(r / 255);
      out[o + 1] = round8(g / 255);
      out[o + 2] = round8(b / 255);
    }
  }
  return { width: ow, height: oh, data: out };
}

/** 4x bicubic upscale (Keys a=-0.5, half-pixel centres, clamped edges) of an 8-bit image; 8-bit RGB out. */
export function bicubicUp4(img: Image): { width: number; height: number; data: Uint8Array } {
  const ow = img.width * 4, oh = img.height * 4, C = img.channels;
  const out = new Uint8Array(ow * oh * 3);
  const taps = (o: number, n: number) => {
    const x = (o + 0.5) / 4 - 0.5;
    const f = Math.floor(x), t = x - f;
    const idx = [f - 1, f, f + 1, f + 2].map((i) => Math.min(n - 1, Math.max(0, i)));
    const wt = [cubic(t + 1), cubic(t), cubic(1 - t), cubic(2 - t)];
    return { idx, wt };
  };
  for (let oy = 0; oy < oh; oy++) {
    const ty = taps(oy, img.height);
    for (let ox = 0; ox < ow; ox++) {
      const tx = taps(ox, img.width);
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let a = 0; a < 4; a++) {
          let row = 0;
          for (let b = 0; b < 4; b++) row += tx.wt[b] * img.data[(ty.idx[a] * img.width + tx.idx[b]) * C + c];
          acc += ty.wt[a] * row;
        }
        out[(oy * ow + ox) * 3 + c] = round8(acc / 255);
      }
    }
  }
  return { width: ow, height: oh, data: out };
}

/** Model output (NCHW float, [1,3,H,W], unclamped) -> 8-bit RGB as presented: clamp, round. */
export function nchwTo8bit(data: ArrayLike<number>, width: number, height: number): Uint8Array {
  const n = width * height, out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = round8(data[c * n + i]);
  return out;
}

/** 8-bit RGB(A) -> NCHW float32 in [0,1] (the model input). */
export function toNchw(img: Image): Float32Array {
  const n = img.width * img.height, out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = img.data[i * img.channels + c] / 255;
  return out;
}

/** BT.601 luma of 8-bit RGB, in 16..235, not rounded. */
export function lumaY(r: number, g: number, b: number): number {
  return 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
}

/** Sum of squared Y differences over the compared region (top-left min(w) x min(h) of both, minus
 *  `shave` pixels at each border) and the pixel count. */
export function sseY(a: Image, b: Image, shave = 4): { sse: number; count: number } {
  const w = Math.min(a.width, b.width), h = Math.min(a.height, b.height);
  let sse = 0, count = 0;
  for (let y = shave; y < h - shave; y++) {
    for (let x = shave; x < w - shave; x++) {
      const ia = (y * a.width + x) * a.channels, ib = (y * b.width + x) * b.channels;
      const d = lumaY(a.data[ia], a.data[ia + 1], a.data[ia + 2]) - lumaY(b.data[ib], b.data[ib + 1], b.data[ib + 2]);
      sse += d * d;
      count++;
    }
  }
  return { sse, count };
}

export function psnrFromSse(sse: number, count: number): number {
  if (count <= 0) return NaN;
  const mse = sse / count;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** PSNR (dB) on Y, both 8-bit images, shave 4. */
export function psnrY(a: Image, b: Image, shave = 4): number {
  const { sse, count } = sseY(a, b, shave);
  return psnrFromSse(sse, count);
}
