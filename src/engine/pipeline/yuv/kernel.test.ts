import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildKernel, kernelModule } from '../../../../scripts/build-wasm.mjs';
import { rng } from '../../metrics/sample.mjs';
import { browserMatrix, matrixOf, taps, windows, YuvKernel, type RawFrame } from './index';

/** A w x h I420 or NV12 frame of smooth colour with some noise, packed, and its planes for a reference. */
function frame(w: number, h: number, format: 'I420' | 'NV12', seed = 3) {
  const r = rng(seed);
  const rnd = () => Math.floor(r() * 256) - 128;
  const cw = (w + 1) >> 1, ch = (h + 1) >> 1;
  const Y = new Uint8Array(w * h), U = new Uint8Array(cw * ch), V = new Uint8Array(cw * ch);
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) Y[y * w + x] = clamp(40 + (170 * x) / w + 20 * Math.sin(y * 0.7) + rnd() / 8);
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) {
    U[y * cw + x] = clamp(128 + 50 * Math.cos(x * 0.5 + y * 0.2) + rnd() / 16);
    V[y * cw + x] = clamp(128 + 50 * Math.sin(y * 0.4 - x * 0.1) + rnd() / 16);
  }
  const bytes = new Uint8Array(w * h + 2 * cw * ch);
  bytes.set(Y, 0);
  if (format === 'I420') {
    bytes.set(U, w * h);
    bytes.set(V, w * h + cw * ch);
  } else for (let i = 0; i < cw * ch; i++) { bytes[w * h + 2 * i] = U[i]; bytes[w * h + 2 * i + 1] = V[i]; }
  const layout = format === 'I420'
    ? [{ offset: 0, stride: w }, { offset: w * h, stride: cw }, { offset: w * h + cw * ch, stride: cw }]
    : [{ offset: 0, stride: w }, { offset: w * h, stride: 2 * cw }];
  return { Y, U, V, cw, ch, raw: (matrix = matrixOf(0.299, 0.114, false)): RawFrame => ({ width: w, height: h, format, bytes, layout, matrix }) };
}

/** The conversion in floating point (BT.601 limited unless told), clamped and rounded: the textbook
 *  matrix. */
function toRgb(Y: number, U: number, V: number, kr = 0.299, kb = 0.114, full = false): number[] {
  const kg = 1 - kr - kb, s = full ? 1 : 255 / 224;
  const l = full ? Y : ((Y - 16) * 255) / 219, u = U - 128, v = V - 128;
  const R = l + s * 2 * (1 - kr) * v, B = l + s * 2 * (1 - kb) * u;
  const G = l - ((s * 2 * (1 - kb) * kb) / kg) * u - ((s * 2 * (1 - kr) * kr) / kg) * v;
  return [R, G, B].map((c) => Math.max(0, Math.min(255, Math.round(c))));
}

/** Bilinear sample of a plane at (x, y) (sample centres at integers), clamped at the edges. */
function bilinear(p: Uint8Array, w: number, h: number, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
  const at = (i: number, j: number) => p[Math.min(h - 1, Math.max(0, j)) * w + Math.min(w - 1, Math.max(0, i))];
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/** A plane halved by a 2x2 box (rounded), as the player's mip levels are. */
function halve(p: Uint8Array, w: number, h: number) {
  const hw = w >> 1, hh = h >> 1, out = new Uint8Array(hw * hh);
  for (let y = 0; y < hh; y++) for (let x = 0; x < hw; x++) {
    out[y * hw + x] = Math.round((p[2 * y * w + 2 * x] + p[2 * y * w + 2 * x + 1] + p[(2 * y + 1) * w + 2 * x] + p[(2 * y + 1) * w + 2 * x + 1]) / 4);
  }
  return { p: out, w: hw, h: hh };
}

describe('the Y\'CbCr kernel (WebAssembly)', () => {
  it('the committed module is what kernel.as.ts builds to (npm run build:wasm)', async () => {
    const committed = fs.readFileSync(new URL('./kernel.wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(kernelModule(await buildKernel()));
  }, 60_000); // the AssemblyScript compile: ~2 s alone, past vitest's 5 s on a 2-core machine that is busy

  for (const format of ['I420', 'NV12'] as const) {
    it(`${format} 1:1: the textbook matrix, each chroma sample centred on its 2x2 luma and interpolated between, within 1 level`, () => {
      const w = 37, h = 22, f = frame(w, h, format);
      const img = new YuvKernel().load(f.raw()).region({ x: 0, y: 0, width: w, height: h });
      expect([img.width, img.height, img.channels]).toEqual([w, h, 4]);
      let worst = 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        // luma pixel x's centre, x + 0.5 (edges at 0), is chroma's (x + 0.5) / 2: sample (x + 0.5) / 2 - 0.5
        const cu = (x + 0.5) / 2 - 0.5, cv = (y + 0.5) / 2 - 0.5;
        const ref = toRgb(f.Y[y * w + x], bilinear(f.U, f.cw, f.ch, cu, cv), bilinear(f.V, f.cw, f.ch, cu, cv));
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(img.data[(y * w + x) * 4 + k] - ref[k]));
        expect(img.data[(y * w + x) * 4 + 3]).toBe(255);
      }
      expect(worst).toBeLessThanOrEqual(1);
    });
  }

  it('a region is the same pixels as the whole frame there', () => {
    const w = 30, h = 26, yuv = new YuvKernel().load(frame(w, h, 'I420').raw());
    const all = yuv.region({ x: 0, y: 0, width: w, height: h }), r = { x: 7, y: 5, width: 11, height: 9 }, part = yuv.region(r);
    for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width * 4; x++) {
      expect(part.data[y * r.width * 4 + x]).toBe(all.data[((r.y + y) * w + r.x) * 4 + x]);
    }
  });

  for (const full of [true, false]) {
    it(`BT.709 ${full ? 'full' : 'limited'} range follows its own matrix`, () => {
      const w = 16, h = 12, f = frame(w, h, 'I420');
      const img = new YuvKernel().load(f.raw(matrixOf(0.2126, 0.0722, full))).region({ x: 0, y: 0, width: w, height: h });
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const cu = (x + 0.5) / 2 - 0.5, cv = (y + 0.5) / 2 - 0.5;
        const ref = toRgb(f.Y[y * w + x], bilinear(f.U, f.cw, f.ch, cu, cv), bilinear(f.V, f.cw, f.ch, cu, cv), 0.2126, 0.0722, full);
        for (let k = 0; k < 3; k++) expect(Math.abs(img.data[(y * w + x) * 4 + k] - ref[k])).toBeLessThanOrEqual(1);
      }
    });
  }

  it('the matrix is the textbook\'s: BT.601 limited R = 1.164 (Y - 16) + 1.596 V, G = .. - 0.392 U - 0.813 V, B = .. + 2.017 U', () => {
    const m = matrixOf(0.299, 0.114, false);
    expect(m.yo).toBe(16);
    expect(m.yk / 65536).toBeCloseTo(1.1644, 3);
    for (const [got, want] of [[m.kr, 1.596], [m.kgu, -0.3918], [m.kgv, -0.8130], [m.kb, 2.0172]]) expect(got / 65536).toBeCloseTo(want, 3);
    const h = matrixOf(0.2126, 0.0722, false);
    for (const [got, want] of [[h.kr, 1.7927], [h.kgu, -0.2132], [h.kgv, -0.5329], [h.kb, 2.1124]]) expect(got / 65536).toBeCloseTo(want, 3);
  });

  const scales = [[0.6, 'minified under 2x: bilinear in Y\'CbCr, each plane at its own resolution'], [0.3, 'minified 3.3x: bilinear over the luma halved by a 2x2 box and the chroma as decoded'], [0.2, 'minified 5x: luma halved twice, chroma once']] as const;
  // NV12 at 1.9x: the groups its interleaved chroma spreads too wide for are read one by one
  for (const [[shown, what], format] of [...scales.map((s) => [s, 'I420'] as const), [[0.52, 'minified 1.9x, chroma interleaved'], 'NV12'] as const]) {
    it(`${format} scaled, ${what}, within 2 levels of a float reference`, () => {
      const w = 64, h = 48, f = frame(w, h, format);
      const dw = Math.round(w * shown), dh = Math.round(h * shown);
      const v = new YuvKernel().load(f.raw()).scaled(0, 0, w, h, dw, dh);
      // the reference: the planes (halved where the view is 2x smaller or more), sampled at each pixel's centre
      let Y = { p: f.Y, w, h }, U = { p: f.U, w: f.cw, h: f.ch }, V = { p: f.V, w: f.cw, h: f.ch };
      // halved k times (k: while the view is still 2x smaller); once halved, the luma has the
      // chroma's resolution, so the chroma is halved one time less
      const k = shown < 0.25 ? 2 : shown < 0.5 ? 1 : 0;
      for (let i = 0; i < k; i++) Y = halve(Y.p, Y.w, Y.h);
      for (let i = 0; i < k - 1; i++) [U, V] = [halve(U.p, U.w, U.h), halve(V.p, V.w, V.h)];
      // chroma as an image of its own over the same area: half the luma's resolution as decoded,
      // the luma's once that is halved
      const r = k > 0 ? 1 : 0.5;
      let worst = 0;
      for (let j = 0; j < dh; j++) for (let i = 0; i < dw; i++) {
        const x = ((i + 0.5) / dw) * Y.w, y = ((j + 0.5) / dh) * Y.h; // luma units of this level, edges at 0
        const ref = toRgb(bilinear(Y.p, Y.w, Y.h, x - 0.5, y - 0.5), bilinear(U.p, U.w, U.h, x * r - 0.5, y * r - 0.5), bilinear(V.p, V.w, V.h, x * r - 0.5, y * r - 0.5));
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(v[(j * dw + i) * 4 + k] - ref[k]));
      }
      // the kernel rounds each plane's sample to a whole level before the matrix (1.16 levels of R, G, B)
      expect(worst).toBeLessThanOrEqual(2);
    });
  }

  it('reads each group of 4 columns with one shuffle where its taps fit a 16-byte window, one by one where not', () => {
    // a 64-pixel row shown at `shown` of its size: luma taps, and chroma's (32 samples, centred)
    const at = (shown: number, step: number) => {
      const n = Math.round(64 * shown);
      return windows(taps(n, 0, 1 / shown, 64), taps(n, 0, 0.5 / shown, 32), step).offsets;
    };
    // 1:1 and 1.9x smaller, I420: every group fits (luma 2 x 7 + 2 bytes at most, chroma less)
    expect([...at(1, 1)].filter((o, i) => i % 4 === 0 && o < 0)).toEqual([]);
    expect([...at(0.52, 1)].filter((o, i) => i % 4 === 0 && o < 0)).toEqual([]);
    // NV12 at 1.9x: the interleaved chroma (4 bytes a sample) spreads over more than 16 bytes in some
    const nv = at(0.52, 2), slow = nv.filter((o, i) => i % 4 === 0 && o < 0).length;
    expect(slow).toBeGreaterThan(0);
    expect(slow).toBeLessThan(nv.length / 4);
  });

  it('a later frame detaches the last: its pixels are not silently the new frame\'s', () => {
    const k = new YuvKernel(), a = k.load(frame(8, 8, 'I420').raw());
    k.load(frame(8, 8, 'I420', 9).raw());
    expect(() => a.region({ x: 0, y: 0, width: 2, height: 2 })).toThrow(/not kept/);
  });

  it('takes only the colour spaces whose browser conversion it reproduces', () => {
    expect(browserMatrix({ matrix: 'bt470bg', fullRange: false })).toEqual(matrixOf(0.299, 0.114, false));
    expect(browserMatrix({})).toEqual(matrixOf(0.299, 0.114, false));
    expect(browserMatrix({ matrix: 'smpte170m', transfer: 'smpte170m', fullRange: true })).toEqual(matrixOf(0.299, 0.114, true));
    expect(browserMatrix({ matrix: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', fullRange: true })).toBeNull();
    expect(browserMatrix({ matrix: 'bt709', fullRange: true })).toEqual(matrixOf(0.2126, 0.0722, true));
    expect(browserMatrix({ matrix: 'bt709', fullRange: false })).toEqual(matrixOf(0.2126, 0.0722, false));
    expect(browserMatrix({ matrix: 'bt470bg', primaries: 'bt709', transfer: 'bt709', fullRange: false })).toEqual(matrixOf(0.299, 0.114, false));
    expect(browserMatrix({ matrix: 'bt470bg', primaries: 'bt470bg', transfer: 'smpte170m' })).toBeNull();
    expect(browserMatrix({ matrix: 'bt470bg', primaries: 'bt709', transfer: 'pq' as VideoTransferCharacteristics })).toBeNull();
    expect(browserMatrix({ matrix: 'rgb', fullRange: true })).toBeNull();
  });
});
