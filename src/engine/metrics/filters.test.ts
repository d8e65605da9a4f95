import { describe, expect, it } from 'vitest';
import { bicubicUp4, cubic, downscale4, downscaleWeights, mirror, nchwTo8bit, psnrY, lumaY } from './filters';
import { rng } from './sample.mjs';

describe('cubic kernel (Keys a=-0.5)', () => {
  it('matches hand-computed values', () => {
    expect(cubic(0)).toBe(1);
    expect(cubic(1)).toBe(0);
    expect(cubic(2)).toBe(0);
    expect(cubic(0.5)).toBeCloseTo(0.5625, 12); // 1.5/8 - 2.5/4 + 1
    expect(cubic(-1.5)).toBeCloseTo(-0.0625, 12); // -0.5*3.375 + 2.5*2.25 - 6 + 2
  });
});

describe('MATLAB bicubic 4x downscale weights', () => {
  it('are cubic((k-7.5)/4)/4, hand-computed', () => {
    // raw cubic at |d|/4 = 1.875, 1.625, ..., 0.125; the 16 raw values sum to exactly 4
    const half = [-0.0068359375, -0.0439453125, -0.0732421875, -0.0478515625, 0.0908203125, 0.3896484375, 0.7275390625, 0.9638671875];
    const expected = [...half, ...[...half].reverse()].map((v) => v / 4);
    const w = downscaleWeights();
    expect(w.length).toBe(16);
    for (let k = 0; k < 16; k++) expect(w[k]).toBeCloseTo(expected[k], 14);
  });
  it('mirror includes the edge pixel', () => {
    expect([mirror(-1, 10), mirror(-2, 10), mirror(10, 10), mirror(11, 10), mirror(5, 10)]).toEqual([0, 1, 9, 8, 5]);
    expect(mirror(-7, 4)).toBe(1); // -7 -> 6 -> 1
  });
  it('keeps a constant image constant and crops to a multiple of 4', () => {
    const data = new Uint8Array(18 * 9 * 4).fill(77);
    const r = downscale4({ width: 18, height: 9, channels: 4, data });
    expect([r.width, r.height]).toEqual([4, 2]);
    expect([...r.data].every((v) => v === 77)).toBe(true);
  });
  it('one output pixel of a horizontal step, by hand', () => {
    // 16x4 image: columns < 8 are 0, >= 8 are 255. Output x=1 covers taps j = -2..13 -> mirrored 1,0,0..13
    const W = 16, H = 4, data = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 8; x < W; x++) data.set([255, 255, 255], (y * W + x) * 3);
    const r = downscale4({ width: W, height: H, channels: 3, data });
    const w = downscaleWeights();
    // taps k with j = 4*1-6+k = k-2 >= 8  <=>  k >= 10
    let s = 0;
    for (let k = 10; k < 16; k++) s += w[k];
    expect(r.data[1 * 3]).toBe(Math.round(s * 255));
  });
  it('equals the direct 16x16-tap sum at every pixel (it runs separably), with mirrored edges', () => {
    const w = downscaleWeights();
    const u = rng(3);
    for (const [W, H, C] of [[37, 29, 4], [24, 20, 3], [5, 9, 4]] as const) {
      const data = new Uint8Array(W * H * C).map(() => u() * 256);
      const r = downscale4({ width: W, height: H, channels: C, data });
      const Wc = W - (W % 4), Hc = H - (H % 4);
      for (let oy = 0; oy < Hc / 4; oy++) for (let ox = 0; ox < Wc / 4; ox++) for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let ky = 0; ky < 16; ky++) for (let kx = 0; kx < 16; kx++)
          acc += w[ky] * w[kx] * data[(mirror(4 * oy - 6 + ky, Hc) * W + mirror(4 * ox - 6 + kx, Wc)) * C + c];
        expect(Math.abs(r.data[(oy * (Wc / 4) + ox) * 3 + c] - Math.min(255, Math.max(0, acc)))).toBeLessThanOrEqual(0.5 + 1e-9);
      }
    }
  });
});

describe('bicubic 4x upscale', () => {
  it('constant in, constant out', () => {
    const r = bicubicUp4({ width: 3, height: 2, channels: 3, data: new Uint8Array(18).fill(200) });
    expect([r.width, r.height]).toEqual([12, 8]);
    expect([...r.data].every((v) => v === 200)).toBe(true);
  });
  it('output pixel 2 of a 2-pixel row [0, 255], by hand', () => {
    // o=2 -> x = 2.5/4 - 0.5 = 0.125; taps -1,0,1,2 clamped -> 0,0,1,1; weights cubic(1.125), cubic(.125), cubic(.875), cubic(1.875)
    const r = bicubicUp4({ width: 2, height: 1, channels: 3, data: new Uint8Array([0, 0, 0, 255, 255, 255]) });
    const v = 255 * (0.0908203125 + -0.0068359375);
    expect(r.data[2 * 3]).toBe(Math.round(v));
  });
});

describe('PSNR on Y (BT.601, shave 4)', () => {
  it('hand-computed case', () => {
    // 10x10, shave 4 leaves the 2x2 centre; one of its pixels differs by 10 in R, G and B
    const a = new Uint8Array(300).fill(100), b = new Uint8Array(300).fill(100);
    b.set([110, 110, 110], (4 * 10 + 4) * 3);
    b.set([0, 0, 0], 0); // a border pixel: shaved, must not count
    const dY = (219 * 10) / 255; // (65.481+128.553+24.966) = 219
    const expected = 10 * Math.log10((255 * 255) / ((dY * dY) / 4));
    expect(psnrY({ width: 10, height: 10, channels: 3, data: a }, { width: 10, height: 10, channels: 3, data: b })).toBeCloseTo(expected, 10);
    expect(expected).toBeCloseTo(35.4735, 3);
  });
  it('identical images give Infinity; Y range is 16..235', () => {
    const a = { width: 9, height: 9, channels: 3 as const, data: new Uint8Array(243).fill(3) };
    expect(psnrY(a, a)).toBe(Infinity);
    expect(lumaY(0, 0, 0)).toBe(16);
    expect(lumaY(255, 255, 255)).toBeCloseTo(235, 10);
  });
  it('model output is clamped and rounded before comparison', () => {
    const out = nchwTo8bit([-0.2, 1.7, 0.5, 0.5, 0.001, 0.999], 2, 1);
    expect([...out]).toEqual([0, 128, 0, 255, 128, 255]);
  });
});
