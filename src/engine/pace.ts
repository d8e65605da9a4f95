// Falling behind: when the model cannot keep up with the video, frames are dropped to stay in real
// time (engine.ts, advance). The overlay counts them; this says it in words, once per video and
// model, with the measured rate and the model from the manifest that would fit, since the models
// are the same network at other widths and cost in proportion to their FLOPs.

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

/** Shown and dropped frames over the last `windowMs` of real-time playback. */
export class PaceWatch {
  private ev: Array<{ t: number; shown: boolean }> = [];
  constructor(
    readonly windowMs = 4000,
    /** behind when more than this share of the frames due were dropped */
    readonly maxDropped = 0.5,
    readonly minFrames = 8,
  ) {}

  frame(now: number, shown: boolean): void {
    this.ev.push({ t: now, shown });
    this.trim(now);
  }

  /** The share dropped and the rate shown, once the window is full and too many were dropped. */
  behind(now: number): { dropped: number; fps: number } | null {
    this.trim(now);
    const ev = this.ev;
    if (ev.length < this.minFrames || now - ev[0].t < 0.75 * this.windowMs) return null;
    let shown = 0;
    for (const e of ev) if (e.shown) shown++;
    const dropped = (ev.length - shown) / ev.length;
    return dropped > this.maxDropped ? { dropped, fps: (shown * 1000) / this.windowMs } : null;
  }

  private trim(now: number): void {
    while (this.ev.length && this.ev[0].t < now - this.windowMs) this.ev.shift();
  }

  reset(): void {
    this.ev = [];
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
  const what = `falling behind: ${Math.round(b.dropped * 100)}% of frames dropped over the last ${windowMs / 1000} s (${b.fps.toFixed(1)} of ${vfps.toFixed(vfps % 1 ? 2 : 0)} fps, ${video.width}x${video.height} with ${model.id} on this ${where})`;
  const fix = cheaper ? `${cheaper.id} costs ${(model.flops! / cheaper.flops!).toFixed(1)}x less per frame: pick it in the model list` : models.length > 1 ? 'no cheaper model in the manifest' : '';
  return fix ? `${what}; ${fix}` : what;
}
