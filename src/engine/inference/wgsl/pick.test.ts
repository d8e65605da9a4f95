import { describe, expect, it } from 'vitest';
import { AGREE_DB, fasterEngine, psnrDb } from './pick';

describe('engine choice', () => {
  it('the faster engine; ties and failures as said', () => {
    expect(fasterEngine({ ort: 100, wgsl: 50 })).toBe('wgsl');
    expect(fasterEngine({ ort: 50, wgsl: 100 })).toBe('ort');
    expect(fasterEngine({ ort: 100, wgsl: 97 })).toBe('ort'); // within 5%: the reference
    expect(fasterEngine({ ort: null, wgsl: 100 })).toBe('wgsl');
    expect(fasterEngine({ ort: 100, wgsl: null })).toBe('ort');
  });
});

describe('start-up agreement check', () => {
  it('psnrDb on the clamped [0,1] scale; the 45 dB trust line', () => {
    const a = Float32Array.from({ length: 1000 }, (_, i) => (i % 97) / 97);
    expect(psnrDb(a, a)).toBe(Infinity);
    const b = a.map((v) => v + 0.01); // MSE ~1e-4 (minus the clamped tail) -> ~40 dB
    expect(psnrDb(b, a)).toBeGreaterThan(39.9);
    expect(psnrDb(b, a)).toBeLessThan(41);
    expect(psnrDb(b, a)).toBeLessThan(AGREE_DB);
    expect(psnrDb(a.map((v) => v + 1e-4), a)).toBeGreaterThan(AGREE_DB); // ~80 dB
    expect(psnrDb([2, -1], [1, 0])).toBe(Infinity); // both clamp to the same pixels
    expect(() => psnrDb([1], [1, 2])).toThrow();
  });
});
