import { describe, expect, it } from 'vitest';
import { f16BitsToF32, f32ToF16Bits } from '../../gpu/half';
import { rng } from '../../metrics/sample.mjs';
import { activationSlope, blocking, packConv, packHead, splitWeights, BODY_CONVS, OUT_CHANNELS, type ConvWeights } from './layout';

/** Uniform in [-0.5, 0.5) from `seed`. */
function centred(seed: number): () => number {
  const u = rng(seed);
  return () => u() - 0.5;
}

function randomConv(cin: number, cout: number, seed: number): ConvWeights {
  const r = centred(seed);
  return { cin, cout, weight: Float32Array.from({ length: cout * cin * 9 }, r), bias: Float32Array.from({ length: cout }, r) };
}

/** Plain conv on CHW data, zero padding 1 (the reference). Output CHW. */
function convNaive(cw: ConvWeights, x: Float32Array, W: number, H: number): Float32Array {
  const y = new Float32Array(cw.cout * W * H);
  for (let o = 0; o < cw.cout; o++)
    for (let yy = 0; yy < H; yy++)
      for (let xx = 0; xx < W; xx++) {
        let a = cw.bias[o];
        for (let i = 0; i < cw.cin; i++)
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const iy = yy + ky - 1, ix = xx + kx - 1;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) a += cw.weight[((o * cw.cin + i) * 3 + ky) * 3 + kx] * x[(i * H + iy) * W + ix];
            }
        y[(o * H + yy) * W + xx] = a;
      }
  return y;
}

/** The same conv read the way conv.wgsl reads packConv's layout (mat4x4 column c = input, row r = output). */
function convPacked(packed: Float32Array, cin: number, cout: number, bias: Float32Array, x: Float32Array, W: number, H: number): Float32Array {
  const CI = cin / 4, CO = cout / 4;
  const y = new Float32Array(cout * W * H);
  for (let yy = 0; yy < H; yy++)
    for (let xx = 0; xx < W; xx++)
      for (let o = 0; o < CO; o++)
        for (let r = 0; r < 4; r++) {
          let a = bias[4 * o + r];
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const iy = yy + ky - 1, ix = xx + kx - 1;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (let ci = 0; ci < CI; ci++) {
                const m = ((ky * 3 + kx) * CI + ci) * CO + o;
                for (let c = 0; c < 4; c++) a += packed[m * 16 + c * 4 + r] * x[((4 * ci + c) * H + iy) * W + ix];
              }
            }
          y[((4 * o + r) * H + yy) * W + xx] = a;
        }
  return y;
}

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('WGSL engine weight layout', () => {
  it('packConv is the same convolution as the exported (cout, cin, 3, 3) weights', () => {
    const cw = randomConv(8, 12, 1);
    const W = 5, H = 4;
    const x = Float32Array.from({ length: 8 * W * H }, centred(2));
    expect(maxAbs(convPacked(packConv(cw), 8, 12, cw.bias, x, W, H), convNaive(cw, x, W, H))).toBeLessThan(1e-5);
  });

  it('packHead puts output channel 4*co4 + r of input ci, tap t at ((t*3 + ci)*CO4 + co4)*4 + r', () => {
    const cw = randomConv(3, 8, 3);
    const p = packHead(cw);
    for (let t = 0; t < 9; t++)
      for (let ci = 0; ci < 3; ci++)
        for (let o = 0; o < 8; o++) expect(p[((t * 3 + ci) * 2 + (o >> 2)) * 4 + (o & 3)]).toBe(cw.weight[(o * 3 + ci) * 9 + t]);
  });

  it('splitWeights splits the raw file in export order and checks the shapes', () => {
    const C = 8;
    const shapes: [number, number][] = [[3, C], ...Array.from({ length: BODY_CONVS + 1 }, () => [C, C] as [number, number]), [C, OUT_CHANNELS]];
    const n = shapes.reduce((s, [i, o]) => s + o * i * 9 + o, 0);
    const raw = Float32Array.from({ length: n }, (_, i) => i);
    const net = splitWeights(raw.buffer, shapes);
    expect(net.channels).toBe(C);
    expect(net.body).toHaveLength(BODY_CONVS);
    expect(net.head.weight[0]).toBe(0);
    expect(net.head.bias[0]).toBe(3 * C * 9);
    expect(net.body[0].weight[0]).toBe(3 * C * 9 + C);
    expect(net.tail1.bias[OUT_CHANNELS - 1]).toBe(n - 1);
    expect(() => splitWeights(raw.buffer.slice(4), shapes)).toThrow(/bytes/);
    expect(() => splitWeights(raw.buffer, shapes.slice(1))).toThrow(/17 convs/);
    const odd = shapes.map((_s, k) => [k === 0 ? 3 : 6, k === shapes.length - 1 ? OUT_CHANNELS : 6] as [number, number]);
    expect(() => splitWeights(new ArrayBuffer(4), odd)).toThrow(/multiple of 4/);
    const wrongTail = shapes.map((s, k) => (k === shapes.length - 1 ? ([C, 12] as [number, number]) : s));
    expect(() => splitWeights(raw.buffer, wrongTail)).toThrow(/expects 8->48/);
  });

  it('f32ToF16Bits rounds to nearest even, with subnormals, overflow and NaN', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(0.1)).toBe(0x2e66);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // rounds up to inf
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(f32ToF16Bits(2 ** -26)).toBe(0); // below half the smallest subnormal
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(f32ToF16Bits(NaN) & 0x7e00).toBe(0x7e00);
    const r = centred(5);
    for (let i = 0; i < 2000; i++) {
      const v = r() * 20;
      const back = f16BitsToF32(f32ToF16Bits(v));
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
    }
  });

  it('blocking splits the outputs evenly and keeps at least one pixel per invocation', () => {
    for (const co4 of [8, 12, 16]) for (const d of ['fp16', 'fp32'] as const) {
      const { px, cob } = blocking(co4, d);
      expect(co4 % cob).toBe(0);
      expect(px).toBeGreaterThanOrEqual(1);
      expect(px * cob).toBeLessThanOrEqual(d === 'fp16' ? 64 : 32);
    }
  });

  it('activationSlope: relu is 0, lrelu needs its slope, others are refused', () => {
    expect(activationSlope('relu')).toBe(0);
    expect(activationSlope('lrelu', 0.1)).toBe(0.1);
    expect(() => activationSlope('lrelu')).toThrow(/slope/);
    expect(() => activationSlope('gelu', 0.1)).toThrow(/gelu/);
  });
});
