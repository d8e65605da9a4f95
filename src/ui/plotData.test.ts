import { describe, expect, it } from 'vitest';
import { SessionLog } from '../engine/metrics/sessionLog';
import { plotWindow } from './plotData';

const add = (log: SessionLog, i: number, startMs: number, droppedSoFar = 0) =>
  log.add({ frame: i, timestamp: i / 30, start: startMs, droppedSoFar, clock: 'gpu', video: 'v', engine: 'wgsl', backend: 'webgpu fp32', model: 'm' });

describe('plotWindow', () => {
  it('the last span of seconds up to the newest frame, with the budget and the drops', () => {
    const log = new SessionLog(0);
    for (let i = 0; i < 16; i++) add(log, i, i * 1000, i >= 14 ? 3 : 0); // one frame a second for 16 s; 3 drops before frame 14
    for (let i = 0; i < 15; i++) log.set(i, 'frameMs', 10 + i);
    log.set(5, 'modelMs', 4);
    log.setPsnr(9, { frameIndex: 9, timestamp: 0.3, mode: 'reference', model: 30, bicubic: 27 });
    const w = plotWindow(log, 10, 30);
    // the window's ends (budget only), then the frames that start at or after 15 - 10 s
    expect(w.x).toEqual([5, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15]);
    expect(w.range).toEqual([5, 15]);
    expect(w.frameMs).toEqual([null, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, null, null]); // the newest is still in flight
    expect(w.modelMs[1]).toBe(4);
    expect(w.modelMs.filter((v) => v !== null)).toEqual([4]);
    expect(w.budget.every((v) => v === 1000 / 30)).toBe(true);
    // drops are marked on the frame that followed them, at its time (or the budget while in flight)
    expect(w.dropped).toEqual([null, null, null, null, null, null, null, null, null, null, 24, null, null]);
    expect(w.droppedCount).toBe(3);
    expect([w.psnr[5], w.bicubic[5], w.psnr[6]]).toEqual([30, 27, null]);
  });

  it('a still has no budget; an empty log an empty window', () => {
    const log = new SessionLog(0);
    expect(plotWindow(log, 10, null).x).toEqual([]);
    add(log, 0, 2500);
    const w = plotWindow(log, 10, null);
    expect(w.x).toEqual([0, 2.5, 10]);
    expect(w.budget).toEqual([null, null, null]);
    expect(w.range).toEqual([0, 10]);
  });
});
