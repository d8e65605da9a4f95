import type { PsnrMode } from '../params';
import type { ModelClock, PsnrResult } from '../pipeline/types';
import { percentile } from './sample.mjs';

export interface EngineStats {
  latencyAvg: number;
  latencyP95: number;
  modelAvg: number;
  modelP95: number;
  /** how the model time is taken: the GPU's timestamps, waiting for the queue, or (CPU path) the wall clock */
  modelClock: ModelClock | null;
  fps: number;
  /** frames skipped to keep real time since the video was opened */
  dropped: number;
  psnr: number;
  psnrBicubic: number;
  /** the left pane's (the A/B view: bicubic or another model; NaN: it shows the original) */
  psnrLeft: number;
  psnrMode: PsnrMode;
  psnrFrame: number;
}

/** The overlay's figures before any frame has been measured. */
export const emptyStats = (mode: PsnrMode): EngineStats => ({
  latencyAvg: NaN,
  latencyP95: NaN,
  modelAvg: NaN,
  modelP95: NaN,
  modelClock: null,
  fps: 0,
  dropped: 0,
  psnr: NaN,
  psnrBicubic: NaN,
  psnrLeft: NaN,
  psnrMode: mode,
  psnrFrame: -1,
});

/** Rolling window of recent samples (latencies in ms) with mean and p95. */
export class RollingStats {
  private buf: number[] = [];
  constructor(readonly size = 120) {}

  push(v: number): void {
    if (!Number.isFinite(v)) return;
    this.buf.push(v);
    if (this.buf.length > this.size) this.buf.shift();
  }

  /** the samples, oldest first (a copy) */
  values(): number[] {
    return [...this.buf];
  }

  get count(): number {
    return this.buf.length;
  }

  mean(): number {
    if (!this.buf.length) return NaN;
    return this.buf.reduce((a, b) => a + b, 0) / this.buf.length;
  }

  percentile(p: number): number {
    return percentile(this.buf, p);
  }

  p95(): number {
    return this.percentile(95);
  }

  clear(): void {
    this.buf = [];
  }
}

/** Frames per second over the timestamps (ms) of the last `size` presented frames. */
export class FpsCounter {
  private t: number[] = [];
  constructor(readonly size = 60) {}
  tick(now: number): void {
    this.t.push(now);
    if (this.t.length > this.size) this.t.shift();
  }
  fps(now: number): number {
    // stale: nothing presented for 2 s -> 0
    if (this.t.length < 2 || now - this.t[this.t.length - 1] > 2000) return 0;
    return ((this.t.length - 1) * 1000) / (this.t[this.t.length - 1] - this.t[0]);
  }
  clear(): void {
    this.t = [];
  }
}

export const fmtMs = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '– ms');
export const fmtDb = (v: number) => (v === Infinity ? '∞ dB' : Number.isFinite(v) ? `${v.toFixed(2)} dB` : '– dB');

/** One video's figures as frames are shown: what the overlay and the test hook read. */
export class PlaybackStats {
  readonly latency = new RollingStats(120);
  readonly modelTime = new RollingStats(120);
  readonly fps = new FpsCounter(60);
  psnr: PsnrResult | null = null;
  /** frames whose work is done (counted once on screen; tests wait on it) */
  framesProcessed = 0;
  /** frames skipped to keep real time */
  dropped = 0;
  /** the last 256 frames: media timestamp, when (ms) processing started and the frame was shown, and
   *  the audio context's time (as heard) when it was shown, null without sound */
  frameLog: Array<{ t: number; start: number; shown: number; audio: number | null }> = [];

  /** A frame's work is done: it started at `start` (ms). */
  done(timestamp: number, start: number, audio: number | null = null): void {
    const now = performance.now();
    this.framesProcessed++;
    this.latency.push(now - start);
    this.fps.tick(now);
    this.frameLog.push({ t: timestamp, start, shown: now, audio });
    if (this.frameLog.length > 256) this.frameLog.shift();
  }

  /** A new video: figures start again (framesProcessed counts on). */
  reset(): void {
    this.latency.clear();
    this.modelTime.clear();
    this.fps.clear();
    this.dropped = 0;
    this.psnr = null;
    this.frameLog = [];
  }

  snapshot(now: number, mode: PsnrMode, modelClock: ModelClock | null): EngineStats {
    const p = this.psnr && this.psnr.mode === mode ? this.psnr : null;
    return {
      latencyAvg: this.latency.mean(),
      latencyP95: this.latency.p95(),
      modelAvg: this.modelTime.mean(),
      modelP95: this.modelTime.p95(),
      modelClock,
      fps: this.fps.fps(now),
      dropped: this.dropped,
      psnr: p ? p.model : NaN,
      psnrBicubic: p ? p.bicubic : NaN,
      psnrLeft: p?.left ?? NaN,
      psnrMode: mode,
      psnrFrame: this.psnr?.frameIndex ?? -1,
    };
  }
}
