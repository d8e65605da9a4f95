import { describe, expect, it } from 'vitest';
import { FpsCounter, RollingStats, fmtDb, fmtMs } from './stats';

describe('RollingStats', () => {
  it('mean and p95 over the window', () => {
    const s = new RollingStats(20);
    for (let i = 1; i <= 20; i++) s.push(i);
    expect(s.mean()).toBe(10.5);
    expect(s.p95()).toBe(19); // nearest rank: ceil(0.95*20) = 19th smallest
    s.push(100); // evicts 1
    expect(s.count).toBe(20);
    expect(s.mean()).toBeCloseTo((210 - 1 + 100) / 20, 12);
    expect(s.p95()).toBe(20);
    expect(s.percentile(100)).toBe(100);
  });
  it('empty is NaN, non-finite ignored', () => {
    const s = new RollingStats();
    expect(s.mean()).toBeNaN();
    s.push(NaN);
    expect(s.count).toBe(0);
  });
  it('fps from frame times; formatting', () => {
    const f = new FpsCounter(10);
    for (let i = 0; i < 10; i++) f.tick(i * 20);
    expect(f.fps(180)).toBeCloseTo(50, 10);
    expect(f.fps(5000)).toBe(0);
    expect(fmtMs(12.345)).toBe('12.3 ms');
    expect(fmtDb(31.2)).toBe('31.20 dB');
    expect(fmtDb(NaN)).toBe('– dB');
  });
});
