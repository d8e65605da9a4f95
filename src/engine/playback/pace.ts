// Falling behind: when the model cannot keep up with the video, frames are dropped to stay in real
// time (frames.ts, advance). The overlay counts them; this says it in words, once per video and
// model, with the measured rate and the model from the manifest that would hold it, chosen by the
// ladder's own rule (ladder.ts) from the rate the frames were shown at.
import { percentile } from '../metrics/sample.mjs';
import { msText, pickForRate, runFlop } from '../models/ladder';
import type { ModelEntry } from '../models/manifest';

/** The last eight of a series. */
function keep(xs: number[], x: number): void {
  xs.push(x);
  if (xs.length > 8) xs.shift();
}

/** Shown and dropped frames over the last `windowMs` of real-time playback. */
export class PaceWatch {
  private ev: Array<{ t: number; shown: boolean }> = [];
  /** the last frames' work times (ms), to tell a stall from the model's own pace */
  private took: number[] = [];
  /** the last intervals between frames shown (ms), and when the last was shown */
  private gaps: number[] = [];
  private lastShown: number | null = null;
  /** the window: `windowMs`, or 2.5 of this model's frame intervals where they are long (the frames
   *  due meanwhile are dropped at once when one is done, so a shorter window would never hold two
   *  frames and their drops) */
  private span: number;
  constructor(
    readonly windowMs = 4000,
    /** behind when more than this share of the frames due were dropped */
    readonly maxDropped = 0.5,
    readonly minFrames = 8,
  ) {
    this.span = windowMs;
  }

  frame(now: number, shown: boolean): void {
    this.ev.push({ t: now, shown });
    this.trim(now);
  }

  /** A frame shown after `tookMs` of work. A stall (the first frame's engine pick, pipeline
   *  compiles, a hidden tab) is not the model's pace and starts the window again: a frame over half
   *  the window that took over 3x the frames before it (or is the first). A model that takes seconds
   *  on every frame (a CPU on a large frame) is the pace, and falls behind. */
  shown(now: number, tookMs: number): void {
    const usual = percentile(this.took, 50);
    if (tookMs > this.windowMs / 2 && !(tookMs < 3 * usual)) this.ev = [];
    keep(this.took, tookMs);
    if (this.lastShown !== null) {
      keep(this.gaps, now - this.lastShown);
      this.span = Math.max(this.windowMs, 2.5 * percentile(this.gaps, 50));
    }
    this.lastShown = now;
    this.frame(now, true);
  }

  /** The share dropped and the rate shown over the window (and its length), once the window is
   *  full and too many were dropped. */
  behind(now: number): { dropped: number; fps: number; windowMs: number } | null {
    this.trim(now);
    const ev = this.ev, span = this.span;
    if (ev.length < this.minFrames || now - ev[0].t < 0.75 * span) return null;
    let shown = 0, first = NaN, last = NaN;
    for (const e of ev) {
      if (!e.shown) continue;
      shown++;
      if (Number.isNaN(first)) first = e.t;
      last = e.t;
    }
    const dropped = (ev.length - shown) / ev.length;
    // the rate between the first and last frame shown (a window of a few slow frames holds both ends)
    const fps = shown >= 2 && last > first ? ((shown - 1) * 1000) / (last - first) : (shown * 1000) / span;
    return dropped > this.maxDropped ? { dropped, fps, windowMs: span } : null;
  }

  private trim(now: number): void {
    while (this.ev.length && this.ev[0].t < now - this.span) this.ev.shift();
  }

  reset(): void {
    this.ev = [];
    this.took = [];
    this.gaps = [];
    this.lastShown = null;
    this.span = this.windowMs;
  }
}

/** The falling-behind notice: the share dropped, the rate reached, and what the ladder would run
 *  instead at that rate (the frames' whole work, so a conservative rate): the best-scoring model
 *  that holds the video's rate, or the cheapest, which would still fall behind. (A model's predicted
 *  time is the running one's shown interval times their FLOP ratio, whatever the input size.) */
export function behindNotice(
  b: { dropped: number; fps: number },
  windowMs: number,
  video: { width: number; height: number; fps: number },
  model: ModelEntry,
  models: readonly ModelEntry[],
  where: 'GPU' | 'CPU',
): string {
  const vfps = video.fps;
  const what = `falling behind: ${Math.round(b.dropped * 100)}% of frames dropped over the last ${+(windowMs / 1000).toFixed(1)} s (${b.fps.toFixed(1)} of ${+vfps.toFixed(2)} fps, ${video.width}x${video.height} with ${model.id} on this ${where})`;
  const flop = runFlop(model, video.width * video.height);
  const pick = flop && b.fps > 0 ? pickForRate(models, (flop * b.fps) / 1000, video) : null;
  const p = pick && pick.model.flops! < model.flops! ? pick : null;
  const less = p ? `costs ${(model.flops! / p.model.flops!).toFixed(1)}x less per frame` : '';
  const fix = p?.fits
    ? `${p.model.id} ${less} and would hold it (${msText(p.ms)} a frame predicted from this rate): pick it in the model list, or "auto"`
    : p
      ? `${p.model.id}, the cheapest, ${less} but would still take ${msText(p.ms)} a frame here`
      : models.filter((m) => m.flops && !m.user).length > 1 && flop
        ? 'no cheaper model in the manifest'
        : '';
  return fix ? `${what}; ${fix}` : what;
}
