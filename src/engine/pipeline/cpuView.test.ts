import { describe, expect, it } from 'vitest';
import { bicubicUp4, nchwTo8bit, type Image } from '../metrics/filters';
import { cropImage, Pixels } from './cpuImage';
import { renderRegion, renderView, type InputPixels } from './cpuView';
import { rng } from '../metrics/sample.mjs';

/** A w x h RGB image of deterministic noise. */
function noise(w: number, h: number, seed = 1): Image {
  const r = rng(seed);
  const d = new Uint8Array(w * h * 3).map(() => r() * 256);
  return { width: w, height: h, channels: 3, data: d };
}

describe('renderView (the CPU path draws only what a canvas shows)', () => {
  it('a 1:1 canvas over the bicubic preview is bicubicUp4 exactly', () => {
    const img = noise(7, 5);
    const v = renderView(28, 20, { zoom: 1, cx: 0.5, cy: 0.5 }, { kind: 'bicubic', input: img });
    const ref = bicubicUp4(img).data;
    for (let i = 0; i < 28 * 20; i++) for (let c = 0; c < 3; c++) expect(v.data[i * 4 + c]).toBe(ref[i * 3 + c]);
  });

  it('a 1:1 canvas over the model output is its clamped, rounded 8-bit form', () => {
    const w = 12, h = 8, n = w * h, full = new Float32Array(3 * n).map((_, i) => Math.sin(i * 0.37) * 0.7 + 0.5);
    const v = renderView(w, h, { zoom: 1, cx: 0.5, cy: 0.5 }, { kind: 'tensor', width: w, height: h, full, low: null, view: 'full', gain: 1 });
    const ref = nchwTo8bit(full, w, h);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) expect(v.data[i * 4 + c]).toBe(ref[i * 3 + c]);
  });

  it('minified 4x: each canvas pixel is the mean of its 4x4 block (a box filter, no aliasing)', () => {
    const w = 16, h = 16, n = w * h;
    // a one-texel checkerboard: single taps would give 0 or 1, the box gives 0.5
    const full = new Float32Array(3 * n).map((_, i) => ((i % n) % w + Math.floor((i % n) / w)) % 2);
    const v = renderView(4, 4, { zoom: 1, cx: 0.5, cy: 0.5 }, { kind: 'tensor', width: w, height: h, full, low: null, view: 'full', gain: 1 });
    for (let i = 0; i < 16; i++) expect(Math.abs(v.data[i * 4] - 127.5)).toBeLessThanOrEqual(0.5);
  });

  it('the lens: the model inside its region, bicubic around it', () => {
    const img = noise(16, 16, 7);
    const region = { x: 4, y: 4, width: 8, height: 8 }, crop = { x: 2, y: 2, width: 12, height: 12 };
    const full = new Float32Array(3 * 48 * 48).fill(1); // the model's output on the crop: all white
    const v = renderView(64, 64, { zoom: 1, cx: 0.5, cy: 0.5 }, { kind: 'lens', input: Pixels.of(img), region, crop, full, low: null, view: 'full', gain: 1 });
    const bic = bicubicUp4(img).data;
    const at = (x: number, y: number) => v.data[(y * 64 + x) * 4];
    expect(at(16, 16)).toBe(255); // inside 4 x region
    expect(at(47, 47)).toBe(255);
    expect(at(15, 15)).toBe(bic[(15 * 64 + 15) * 3]); // just outside: bicubic
    expect(at(48, 30)).toBe(bic[(30 * 64 + 48) * 3]);
  });

  it('a part of the canvas is those pixels of the whole (what the lens redraws over the scaled input)', () => {
    const img = noise(16, 16, 5);
    const region = { x: 5, y: 3, width: 6, height: 7 }, crop = { x: 1, y: 0, width: 14, height: 14 };
    const full = new Float32Array(3 * 56 * 56).map((_, i) => (i % 97) / 96);
    const src = { kind: 'lens', input: Pixels.of(img), region, crop, full, low: null, view: 'full', gain: 1 } as const;
    const vp = { zoom: 1.3, cx: 0.45, cy: 0.55 };
    const whole = renderView(40, 30, vp, src), part = { x: 11, y: 4, width: 9, height: 13 };
    const v = renderView(40, 30, vp, src, part);
    expect([v.width, v.height]).toEqual([9, 13]);
    for (let j = 0; j < 13; j++) for (let i = 0; i < 9; i++) for (let c = 0; c < 4; c++) expect(v.data[(j * 9 + i) * 4 + c]).toBe(whole.data[((4 + j) * 40 + 11 + i) * 4 + c]);
  });

  it('around a lens the crop\'s own pixels serve; the whole input is read only for a view beyond the crop', () => {
    const W = 64, img = noise(W, W, 11);
    // the model's output on the whole frame (any values), and the same on the lens's crop
    const whole = new Float32Array(3 * 16 * W * W).map((_, i) => ((i * 7919) % 1000) / 999);
    const region = { x: 24, y: 22, width: 16, height: 16 }, crop = { x: 7, y: 5, width: 50, height: 50 };
    const onCrop = new Float32Array(3 * 16 * crop.width * crop.height);
    for (let c = 0; c < 3; c++) for (let y = 0; y < 4 * crop.height; y++) for (let x = 0; x < 4 * crop.width; x++)
      onCrop[(c * 4 * crop.height + y) * 4 * crop.width + x] = whole[(c * 4 * W + 4 * crop.y + y) * 4 * W + 4 * crop.x + x];
    let wholeReads = 0;
    const input: InputPixels = { width: W, height: W, whole: () => (wholeReads++, img), region: (r) => cropImage(img, r) };
    const lens = { kind: 'lens', input, region, crop, full: onCrop, low: null, view: 'full', gain: 1 } as const;
    // the reference: the crop is the whole frame, so no sample ever leaves it
    const ref = { ...lens, input: Pixels.of(img), crop: { x: 0, y: 0, width: W, height: W }, full: whole } as const;
    // minified 4x onto a 64x64 canvas, the lens's canvas pixels and one more each side: no whole read
    const vp = { zoom: 1, cx: 0.5, cy: 0.5 }, part = { x: 23, y: 21, width: 18, height: 18 };
    const a = renderView(W, W, vp, lens, part), b = renderView(W, W, vp, ref, part);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(wholeReads).toBe(0);
    // 1:1 over the whole output: beyond the crop the whole input is read, and every pixel agrees
    const c = renderView(4 * W, 4 * W, vp, lens), d = renderView(4 * W, 4 * W, vp, ref);
    expect(Array.from(c.data)).toEqual(Array.from(d.data));
    expect(wholeReads).toBe(1);
  });

  it('renderRegion: the exact output pixels of a rectangle (what a magnified canvas scales up)', () => {
    const img = noise(9, 6, 3);
    const r = renderRegion({ kind: 'bicubic', input: img }, 5, 3, 10, 7);
    const ref = bicubicUp4(img).data;
    for (let j = 0; j < 7; j++) for (let i = 0; i < 10; i++) for (let c = 0; c < 3; c++) expect(r.data[(j * 10 + i) * 4 + c]).toBe(ref[((3 + j) * 36 + 5 + i) * 3 + c]);
  });
});
