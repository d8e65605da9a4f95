// Falling behind: when the model cannot keep up with the video, frames are dropped to stay in real
// time (engine.ts, advance). The overlay counts them; this says it in words, once per video and
// model, with the measured rate and the model from the manifest that would fit, since the models
// are the same network at other widths and cost in proportion to their FLOPs.
import { percentile } from '../metrics/sample.mjs';

export interface Costed {
  id: string;
  /** FLOPs per 1024x1024 frame (manifest `flops_per_frame_1024`) */
  flops?: number;
}

/** The widest model at least `need` times cheaper than `current`; if none is that cheap, the
 *  cheapest one cheaper than it; null when there is none cheaper (or costs are unknown). */
export function cheaperModel(models: Costed[], currentId: string, need: number): Costed | null {
  const cur = models.find((m) => m.id === currentId);
  if (!cur?.flops) return null;
  const cheaper = models.filter((m) => m.flops && m.flops < cur.flops!).sort((a, b) => b.flops! - a.flops!);
  if (cheaper.length === 0) return null;
  return cheaper.find((m) => cur.flops! / m.flops! >= need) ?? cheaper[cheaper.length - 1];
}

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

/** The falling-behind notice: the share dropped, the rate reached, and the model that would fit. */
export function behindNotice(
  b: { dropped: number; fps: number },
  windowMs: number,
  video: { width: number; height: number; fps: number },
  model: Costed,
  models: Costed[],
  where: 'GPU' | 'CPU',
): string {
  const vfps = video.fps, need = vfps / Math.max(b.fps, 1e-3);
  const cheaper = cheaperModel(models, model.id, need);
  const what = `falling behind: ${Math.round(b.dropped * 100)}% of frames dropped over the last ${+(windowMs / 1000).toFixed(1)} s (${b.fps.toFixed(1)} of ${vfps.toFixed(vfps % 1 ? 2 : 0)} fps, ${video.width}x${video.height} with ${model.id} on this ${where})`;
  const fix = cheaper ? `${cheaper.id} costs ${(model.flops! / cheaper.flops!).toFixed(1)}x less per frame: pick it in the model list` : models.length > 1 ? 'no cheaper model in the manifest' : '';
  return fix ? `${what}; ${fix}` : what;
}
