import { describe, expect, it } from 'vitest';
import { median, percentile, rng } from './sample.mjs';

describe('percentile (nearest rank)', () => {
  const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  it('known values', () => {
    expect(percentile(oneTo(20), 95)).toBe(19); // ceil(0.95 * 20) = 19th smallest (floor(p*n) would give 20)
    expect(percentile(oneTo(4), 50)).toBe(2); // ceil(0.5 * 4) = 2nd (not the mean of the middle two, 2.5)
    expect(percentile(oneTo(5), 50)).toBe(3);
    expect(percentile(oneTo(10), 99)).toBe(10);
    expect(percentile(oneTo(10), 0)).toBe(1);
    expect(percentile(oneTo(10), 100)).toBe(10);
    expect(percentile([30, 10, 20], 50)).toBe(20); // unsorted in, sorted by value (not as strings)
    expect(percentile([5, 40, 300], 100)).toBe(300);
    expect(percentile([], 50)).toBeNaN();
  });
  it('median is the nearest-rank p50', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
  it('leaves its input as it was', () => {
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('rng (mulberry32)', () => {
  it('first outputs for a seed, against an independent computation', () => {
    // 32-bit integer arithmetic by hand (Python ints mod 2^32): seed 1 -> state 1 + 0x6d2b79f5 =
    // 0x6d2b79f6, mixed to 2693262067; then 11749833, 2265367787. Seed 14: 1923965576, 1828838565.
    const r = rng(1);
    expect([r(), r(), r()].map((x) => x * 2 ** 32)).toEqual([2693262067, 11749833, 2265367787]);
    const s = rng(14);
    expect([s(), s()].map((x) => x * 2 ** 32)).toEqual([1923965576, 1828838565]);
  });
  it('the same seed, the same sequence; values in [0, 1)', () => {
    const a = rng(7), b = rng(7), c = rng(8);
    const xs = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
