import { describe, expect, it } from 'vitest';
import { halfTable, halfToFloat } from './half';
import { psnrDb } from '../inference/wgsl/pick';

describe('binary16 decoding', () => {
  it('known bit patterns (IEEE 754 tables)', () => {
    const h = Uint16Array.from([0x0000, 0x3c00, 0x3800, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x3555, 0x8000]);
    const f = halfToFloat(h);
    expect(Array.from(f.slice(0, 9))).toEqual([0, 1, 0.5, -2, 65504, 2 ** -24, 2 ** -14, Infinity, -Infinity]);
    expect(f[9]).toBeCloseTo(0.33325195, 8); // the half nearest 1/3
    expect(Object.is(f[10], -0)).toBe(true);
    expect(Number.isNaN(halfToFloat(Uint16Array.of(0x7e00))[0])).toBe(true);
  });

  it('psnrDb reads halves through the table like their float values', () => {
    // 0.5 against 1.0 on every value: MSE 0.25 -> 10 log10(4) dB
    const a = new Uint16Array(8).fill(0x3800), b = new Uint16Array(8).fill(0x3c00);
    expect(psnrDb(a, b, halfTable())).toBeCloseTo(10 * Math.log10(4), 10);
    expect(psnrDb(a, b, halfTable())).toBe(psnrDb(halfToFloat(a), halfToFloat(b)));
  });
});
