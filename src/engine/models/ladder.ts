// The model ladder: the manifest's models are one network at several widths, whose cost is their
// FLOPs per frame (pace.ts). From the rate this device was measured to run the model at (FLOP per
// ms of model time), each model's whole-frame time at the video's size is predicted; the
// best-scoring of those that fit the frame interval runs (quality does not grow with width alone,
// so not simply the widest), and where none fits, the cheapest runs with the lens sized for the
// rate. Numbers in, a choice out: the engine measures (ladderControl.ts), this decides.
import { bestScoring, modelScore, type ModelEntry } from './manifest';
import { percentile } from '../metrics/sample.mjs';

/** The share of the frame interval the model may take: the rest is decoding, uploading, packing,
 *  presenting and the PSNR beside it (lens.ts sizes the lens with the same share). */
export const HEADROOM = 0.8;

const PX_1024 = 1024 * 1024;

export interface VideoRate {
  /** the model's input, pixels a side (the frame, or a quarter of it in reference mode) */
  width: number;
  height: number;
  fps: number;
}

/** FLOPs of one run of `m` on `pixels` input pixels (cost is in proportion to the pixel count);
 *  null for a model of unknown cost (a user's). */
export function runFlop(m: Pick<ModelEntry, 'flops'>, pixels: number): number | null {
  return m.flops ? (m.flops * pixels) / PX_1024 : null;
}

/** The device's rate (FLOP per ms of model time) from measured runs: the median, so one stalled
 *  run (a compile, a busy core) does not decide; null with none. */
export function measuredRate(runs: ReadonlyArray<{ flop: number; ms: number }>): number | null {
  const r = runs.filter((x) => x.flop > 0 && x.ms > 0).map((x) => x.flop / x.ms);
  return r.length ? percentile(r, 50) : null;
}

export interface LadderPick {
  model: ModelEntry;
  /** its predicted model time for a whole frame (ms) */
  ms: number;
  /** the frame interval, 1000 / fps (ms) */
  frameMs: number;
  /** it holds the rate; false: the cheapest, still too slow (the lens must come on) */
  fits: boolean;
  /** the cheapest model (within the ceiling) that scores above `model`, with its predicted time: why
   *  `model` runs and not it (null: none scores above) */
  passed: { model: ModelEntry; ms: number } | null;
  /** input pixels per ms that `model` is predicted to run at (what the lens is sized from) */
  pxPerMs: number;
}

/** The model for a video at `rate` FLOP/ms: among the models with a cost (and at most `ceiling`
 *  FLOPs per 1024x1024 frame: after a step down, not back up), the best-scoring of those whose
 *  predicted time fits `headroom` of the frame interval (the most expensive that fits where none
 *  has a score); the cheapest when none fits; null when no model has a cost or the rate is unknown. */
export function pickForRate(models: readonly ModelEntry[], rate: number, video: VideoRate, ceiling = Infinity, headroom = HEADROOM): LadderPick | null {
  const pixels = video.width * video.height, frameMs = 1000 / video.fps;
  if (!(rate > 0) || !(pixels > 0) || !(video.fps > 0 && Number.isFinite(video.fps))) return null;
  const costed = models.filter((m) => m.flops && !m.user && m.flops <= ceiling);
  if (costed.length === 0) return null;
  const ms = (m: ModelEntry) => runFlop(m, pixels)! / rate;
  const fitting = costed.filter((m) => ms(m) <= frameMs * headroom);
  const byCost = (a: ModelEntry, b: ModelEntry) => a.flops! - b.flops!;
  const fits = fitting.length > 0;
  const model = fits ? (bestScoring(fitting) ?? [...fitting].sort(byCost).at(-1)!) : [...costed].sort(byCost)[0];
  // the next step up in quality: the cheapest that scores above the pick (none of those fits)
  const score = modelScore(model);
  const better = score === null ? [] : costed.filter((m) => (modelScore(m) ?? -Infinity) > score).sort(byCost);
  return {
    model,
    ms: ms(model),
    frameMs,
    fits,
    passed: better.length ? { model: better[0], ms: ms(better[0]) } : null,
    pxPerMs: (rate * PX_1024) / model.flops!,
  };
}

/** A time as the header and notices say it: 6.6 ms, 24 ms, 1.3 s. */
export const msText = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);

/** The header's line for a pick, e.g. "sr4x-c16: sr4x-c32 would take 24 ms a frame here (16.7 ms
 *  at 60 fps)". `measuredOn`: whose measured time the prediction comes from; `crop`: the input
 *  size of the crop it was measured on, where smaller than the frame, which the note names: a
 *  crop runs slower per pixel than a whole frame (fixed costs per run, a GPU not filled; 1.3-2x on
 *  this project's CPU path), while a narrower width runs fewer FLOPs per ms than a wider one (C=8
 *  6.3x faster than C=32 here for 12.4x fewer FLOPs), so a prediction may err either way. */
export function ladderNote(p: LadderPick, video: VideoRate, measuredOn: string, crop: { width: number; height: number } | null = null): string {
  const at = `${video.width}x${video.height}`, interval = `${p.frameMs.toFixed(1)} ms at ${+video.fps.toFixed(2)} fps`;
  const from = `predicted from ${measuredOn}'s measured time${crop ? ` on a ${crop.width}x${crop.height} crop` : ''}`;
  if (!p.fits) return `${p.model.id} with the lens: the cheapest model would take ${msText(p.ms)} a frame here at ${at} (${interval}; ${from})`;
  if (p.passed) return `${p.model.id}: ${p.passed.model.id} would take ${msText(p.passed.ms)} a frame here at ${at} (${interval}); ${p.model.id} ${msText(p.ms)} (${from})`;
  return `${p.model.id}: ${msText(p.ms)} a frame here at ${at}, within ${interval} (${from})`;
}
