import { describe, expect, it } from 'vitest';
import { CHUNK, SessionLog, type ShownFrame } from './sessionLog';

const frame = (i: number, over: Partial<ShownFrame> = {}): ShownFrame => ({
  frame: i, timestamp: i / 60, start: 1000 + i * 16, droppedSoFar: 0, clock: 'gpu',
  video: 'a.mp4', engine: 'wgsl', backend: 'webgpu fp16', model: 'sr4x-c32', ...over,
});

/** A promise and its resolve, to hand figures over in any order, as the GPU does. */
function later<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SessionLog', () => {
  it('fills a row in as its figures arrive, in any order', async () => {
    const log = new SessionLog(1000);
    const model = later<number | null>(), psnr = later<{ frameIndex: number; timestamp: number; mode: 'reference'; model: number; bicubic: number } | null>(), done = later<void>();
    const start = performance.now() - 5;
    const id = log.track({ modelMs: model.promise, psnr: psnr.promise, done: done.promise }, frame(7, { start }));
    expect(id).toBe(0);
    let r = log.row(0)!;
    expect([r.frame, r.timestamp, r.frameMs, r.modelMs, r.psnr, r.psnrMode]).toEqual([7, 7 / 60, NaN, NaN, NaN, null]);
    const v = log.version;
    psnr.resolve({ frameIndex: 7, timestamp: 7 / 60, mode: 'reference', model: 31.25, bicubic: 28.5 });
    done.resolve();
    await done.promise;
    await psnr.promise;
    r = log.row(0)!;
    expect([r.psnr, r.bicubic, r.psnrMode, r.modelMs]).toEqual([31.25, 28.5, 'reference', NaN]);
    expect(r.frameMs).toBeGreaterThanOrEqual(5);
    expect(log.version).toBeGreaterThan(v);
    model.resolve(3.5);
    await model.promise;
    expect(log.row(0)!.modelMs).toBe(3.5);
  });

  it('keeps the drops since the frame before, and starts again with a new video', () => {
    const log = new SessionLog(1000);
    const so = [0, 0, 3, 3, 5, 0, 2];
    so.forEach((d, i) => log.add(frame(i, { droppedSoFar: d, video: i >= 5 ? 'b.mp4' : 'a.mp4' })));
    expect(so.map((_, i) => log.row(i)!.dropped)).toEqual([0, 0, 3, 0, 2, 0, 2]);
    expect(log.row(6)!.video).toBe('b.mp4');
    expect(log.row(4)!.video).toBe('a.mp4');
  });

  it('writes RFC 4180 CSV: quoted names, empty unknowns, inf', () => {
    const log = new SessionLog(1000);
    log.add(frame(0, { video: 'my "best", clip.mp4', clock: null }));
    log.add(frame(1, { droppedSoFar: 2, clock: 'cpu', engine: 'ort', backend: 'wasm fp32', lens: { x: 36, y: 28, width: 24, height: 16 } }));
    log.set(1, 'frameMs', 40.1234567);
    log.set(1, 'modelMs', 30);
    log.setPsnr(1, { frameIndex: 1, timestamp: 1 / 60, mode: 'consistency', model: Infinity, bicubic: NaN });
    expect(log.csvParts().join('')).toBe(
      'row,video,frame,media_s,wall_ms,frame_ms,model_ms,model_clock,dropped_before,psnr_mode,psnr_db,bicubic_db,engine,backend,model,lens\r\n' +
        '0,"my ""best"", clip.mp4",0,0,0,,,,0,,,,wgsl,webgpu fp16,sr4x-c32,\r\n' +
        '1,a.mp4,1,0.016667,16,40.123,30,cpu,2,consistency,inf,,ort,wasm fp32,sr4x-c32,24x16+36+28\r\n',
    );
  });

  it('is bounded: past maxRows the oldest chunk goes and late figures for it are dropped', () => {
    const log = new SessionLog(1000, 2 * CHUNK);
    const n = 2 * CHUNK + 5;
    for (let i = 0; i < n; i++) log.add(frame(i));
    expect([log.first, log.end]).toEqual([CHUNK, n]);
    expect(log.row(CHUNK - 1)).toBeNull();
    expect(log.row(CHUNK)!.frame).toBe(CHUNK);
    expect(log.row(n - 1)!.frame).toBe(n - 1);
    const v = log.version;
    log.set(3, 'modelMs', 1); // evicted: ignored
    expect(log.version).toBe(v);
    const lines = log.csvParts().join('').trimEnd().split('\r\n');
    expect(lines.length).toBe(1 + CHUNK + 5);
    expect(lines[1].split(',')[0]).toBe(String(CHUNK));
    expect(lines.at(-1)!.split(',')[0]).toBe(String(n - 1));
  });

  it('finds the first row at or after a wall time', () => {
    const log = new SessionLog(1000, 2 * CHUNK);
    for (let i = 0; i < 2 * CHUNK + 10; i++) log.add(frame(i)); // the first chunk has gone
    expect(log.indexAt(-1)).toBe(CHUNK);
    expect(log.indexAt(16 * (CHUNK + 100))).toBe(CHUNK + 100);
    expect(log.indexAt(16 * (CHUNK + 100) + 1)).toBe(CHUNK + 101);
    expect(log.indexAt(16 * 1e6)).toBe(log.end);
  });
});
