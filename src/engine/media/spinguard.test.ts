import { describe, expect, it } from 'vitest';
import { SAME_READS, stuckGuard } from './spinguard';

describe('stuckGuard', () => {
  it('throws when one spot is read over and over in one go, even between other reads', () => {
    const calls: number[] = [];
    const read = stuckGuard((s) => calls.push(s), () => undefined); // the event loop never turns
    for (let i = 0; i < SAME_READS; i++) {
      read(48, 8, 16); // the spot the loop comes back to
      read(49 + (i % 3), 0, 1000); // and what it reads in between
    }
    expect(calls.length).toBe(2 * SAME_READS);
    expect(() => read(48, 8, 16)).toThrow('the demuxer is stuck, reading byte 48 over and over');
  });
  it('forgets between tasks: a long session reads its spots again and again', async () => {
    const read = stuckGuard(() => undefined);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < SAME_READS; i++) read(1000, 0, 8);
      await new Promise((r) => setTimeout(r, 0));
    }
  });
});
