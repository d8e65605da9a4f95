import { describe, expect, it } from 'vitest';
import { SessionLog, type ShownFrame } from '../metrics/sessionLog';
import { estimateExport, fmtDuration, newestFirst, playerTiming, scaleTiming, type ModelTiming } from './estimate';

const c32 = { id: 'sr4x-c32', flops: 320e9 }, c64 = { id: 'sr4x-c64', flops: 1220e9 }, mine = { id: 'mine.onnx' };
const at = (model: typeof c32 | typeof mine, w: number, h: number, ms: number, where: 'player' | 'export' = 'player'): ModelTiming => ({ model, pixels: w * h, size: { width: w, height: h }, ms, where });

describe('estimateExport', () => {
  it('scales the measured model time by the FLOP ratio and the pixel count, and adds the measured rest', () => {
    // 40 ms for c32 on 256x256; c64 on 512x512: 40 * (1220/320) * 4 = 610 ms; the rest 5 ms at
    // 1024x1024 output is 20 ms at 2048x2048
    const e = estimateExport({ frames: 100, pixels: 512 * 512, outPixels: 2048 * 2048, model: c64, timings: [at(c32, 256, 256, 40)], overhead: { outPixels: 1024 * 1024, ms: 5 } });
    expect(e.modelMs).toBeCloseTo(610, 9);
    expect(e.overheadMs).toBeCloseTo(20, 9);
    expect(e.seconds).toBeCloseTo(63, 9);
    expect(e.text).toContain('about 1 min 03 s');
    expect(e.text).toContain('x3.81 for sr4x-c64');
  });

  it('prefers a timing of the chosen model itself over a scaled one, whatever the order', () => {
    const e = estimateExport({ frames: 10, pixels: 100, outPixels: 1600, model: c64, timings: [at(c32, 10, 10, 1), at(c64, 10, 10, 7, 'export')], overhead: null });
    expect(e.modelMs).toBe(7);
    expect(e.seconds).toBeCloseTo(0.07, 12);
    expect(e.text).toContain('for the model alone');
    expect(e.text).toContain('plus encoding, not measured yet');
    expect(e.text).not.toContain('FLOPs');
  });

  it('says "not measured yet" with nothing measured, or when a cost cannot be compared', () => {
    const none = estimateExport({ frames: 10, pixels: 100, outPixels: 1600, model: c32, timings: [], overhead: { outPixels: 1600, ms: 3 } });
    expect([none.seconds, none.modelMs]).toEqual([null, null]);
    expect(none.text).toMatch(/^time: not measured yet/);
    // a user's model has no FLOPs: the player's time of ours says nothing about it, nor the reverse
    expect(estimateExport({ frames: 10, pixels: 100, outPixels: 1600, model: mine, timings: [at(c32, 10, 10, 1)], overhead: null }).seconds).toBeNull();
    expect(estimateExport({ frames: 10, pixels: 100, outPixels: 1600, model: c32, timings: [at(mine, 10, 10, 1)], overhead: null }).text).toContain('not comparable');
    expect(scaleTiming(at(mine, 10, 10, 2), mine, 400)).toBe(8);
  });
});

describe('fmtDuration', () => {
  it('reads as seconds, minutes or hours', () => {
    expect([0.25, 9.94, 42.4, 59.6, 185, 3569, 3600, 7320].map(fmtDuration)).toEqual(['0.3 s', '9.9 s', '42 s', '1 min 00 s', '3 min 05 s', '59 min 29 s', '1 h 00 min', '2 h 02 min']);
  });
});

describe('playerTiming', () => {
  const frame = (i: number, over: Partial<ShownFrame> = {}): ShownFrame => ({
    frame: i, timestamp: i / 30, start: 1000 + i * 33, droppedSoFar: 0, clock: 'gpu', video: 'a.mp4', engine: 'ort', backend: 'wasm fp32', model: 'sr4x-c32', ...over,
  });
  const video = { name: 'a.mp4', width: 64, height: 48, psnr: 'consistency' as const };

  it('takes the median rate of the newest model on this video, without its first frame, per lens region or frame', () => {
    const log = new SessionLog(0);
    log.add(frame(0, { video: 'old.mp4' }));
    log.set(0, 'modelMs', 1);
    // a.mp4: its first frame (compiles: 900 ms), then whole frames of 64x48 at 30 ms, one at 33, and
    // a lens frame of 32x24 (a quarter of the pixels) at 7.5 ms: the same rate
    const ms = [900, 30, 33, 30, 7.5, 31];
    ms.forEach((m, i) => {
      const id = log.add(frame(i, i === 4 ? { lens: { x: 0, y: 0, width: 32, height: 24 } } : {}));
      log.set(id, 'modelMs', m);
    });
    const t = playerTiming(newestFirst(log), video, [c32, c64])!;
    expect(t.model).toBe(c32);
    expect(t.size).toEqual({ width: 64, height: 48 });
    expect(t.ms).toBeCloseTo(30, 9); // rates 30, 33, 30, 30, 31 per 64x48: median 30
    // the walk stopped at the video's start (old.mp4's 1 ms, another file, is not counted)
  });

  it('counts the model input of reference mode (the frame downscaled 4x) and keeps to the newest model', () => {
    const log = new SessionLog(0);
    [[ 'sr4x-c64', 500], ['sr4x-c64', 80], ['sr4x-c32', 20], ['sr4x-c32', 22], ['sr4x-c32', 21]].forEach(([model, m], i) => {
      const id = log.add(frame(i, { model: model as string }));
      log.set(id, 'modelMs', m as number);
      log.setPsnr(id, { frameIndex: i, timestamp: i / 30, mode: 'reference', model: 30, bicubic: 28 });
    });
    const t = playerTiming(newestFirst(log), video, [c32, c64])!;
    expect([t.model.id, t.size.width, t.size.height, t.ms]).toEqual(['sr4x-c32', 16, 12, 21]);
  });

  it('has nothing to say before a second frame, or about a model it does not know', () => {
    const log = new SessionLog(0);
    log.set(log.add(frame(0)), 'modelMs', 900);
    expect(playerTiming(newestFirst(log), video, [c32])).toBeNull();
    log.set(log.add(frame(1)), 'modelMs', 30);
    expect(playerTiming(newestFirst(log), video, [c32])?.ms).toBe(30);
    expect(playerTiming(newestFirst(log), video, [c64])).toBeNull();
    expect(playerTiming(newestFirst(log), { ...video, name: 'b.mp4' }, [c32])).toBeNull();
  });
});
