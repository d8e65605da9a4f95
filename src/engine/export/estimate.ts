// How long an export will take, said before it starts. An export is every frame through the model
// then the encoder, so its time is frames x (model time + the rest: decoding, read-back, encoding).
// The model's time comes from a measurement (the player's frames of this video, or the last
// export), scaled to the model chosen and to the frame's pixels: the models are the same network at
// other widths, so their cost follows their FLOPs. The rest comes only from an export already run
// (its wall time less its model time). Nothing measured: the dialog says so rather than guess.
// Pure: the times come in, nothing is timed here.
import type { LogRow, SessionLog } from '../metrics/sessionLog';
import type { ModelEntry } from '../models/manifest';

/** A model with its cost (FLOPs per 1024x1024 frame), if known. */
type Costed = Pick<ModelEntry, 'id' | 'flops'>;
import type { PsnrMode } from '../params';

/** A measured model time: `ms` for one run of `model` over `pixels` input pixels. */
export interface ModelTiming {
  model: Costed;
  pixels: number;
  /** input size the time was taken at, for the dialog's words */
  size: { width: number; height: number };
  ms: number;
  where: 'player' | 'export';
}

/** The rest of an export's time per frame (decode, read-back, encode), measured over `outPixels`
 *  output pixels a frame. */
export interface OverheadTiming {
  outPixels: number;
  ms: number;
}

export interface EstimateInput {
  frames: number;
  /** input and output pixels of one frame of this export */
  pixels: number;
  outPixels: number;
  model: Costed;
  /** what was measured; the first that can be scaled to `model` is used */
  timings: readonly ModelTiming[];
  overhead: OverheadTiming | null;
}

export interface ExportEstimate {
  /** whole export (s); null: not measured yet */
  seconds: number | null;
  modelMs: number | null;
  overheadMs: number | null;
  /** the dialog's line: the figure and where it comes from */
  text: string;
}

/** `t`'s time for one run of `model` over `pixels`, or null when the costs cannot be compared (a
 *  model without FLOPs, e.g. a user's, measured against another). */
export function scaleTiming(t: ModelTiming, model: Costed, pixels: number): number | null {
  const px = pixels / t.pixels;
  if (t.model.id === model.id) return t.ms * px;
  if (!t.model.flops || !model.flops) return null;
  return t.ms * (model.flops / t.model.flops) * px;
}

/** The timing to use for `model`: one of the same model first (no FLOP ratio), else the first that
 *  scales; the order of `timings` breaks ties (the caller puts the better measurement first). */
function pick(timings: readonly ModelTiming[], model: Costed): ModelTiming | null {
  return timings.find((t) => t.model.id === model.id) ?? timings.find((t) => scaleTiming(t, model, 1) !== null) ?? null;
}

export function estimateExport(i: EstimateInput): ExportEstimate {
  const t = pick(i.timings, i.model);
  const modelMs = t ? scaleTiming(t, i.model, i.pixels) : null;
  const overheadMs = i.overhead && i.overhead.outPixels > 0 ? Math.max(0, i.overhead.ms) * (i.outPixels / i.overhead.outPixels) : null;
  if (!t || modelMs === null) {
    const why = i.timings.length
      ? `${i.model.id}'s cost is not comparable with the model measured (${i.timings.map((x) => x.model.id).join(', ')}: no FLOPs for one of them)`
      : 'the model has not run on this video yet: play a few frames first';
    return { seconds: null, modelMs: null, overheadMs, text: `time: not measured yet (${why})` };
  }
  const ratio = t.model.id === i.model.id ? '' : `, x${(i.model.flops! / t.model.flops!).toFixed(2)} for ${i.model.id}'s FLOPs`;
  const at = `${t.model.id}: ${fmtMs(t.ms)} at ${t.size.width}x${t.size.height} ${t.where === 'player' ? 'while playing' : 'in the last export'}${ratio}`;
  const perFrame = modelMs + (overheadMs ?? 0);
  const seconds = (i.frames * perFrame) / 1000;
  if (overheadMs === null) {
    return { seconds, modelMs, overheadMs, text: `time: about ${fmtDuration(seconds)} for the model alone (${i.frames} frames x ${fmtMs(modelMs)}; ${at}), plus encoding, not measured yet` };
  }
  return {
    seconds,
    modelMs,
    overheadMs,
    text: `time: about ${fmtDuration(seconds)} (${i.frames} frames x ${fmtMs(perFrame)}: the model ${fmtMs(modelMs)} (${at}), decoding and encoding ${fmtMs(overheadMs)} as in the last export)`,
  };
}

const fmtMs = (ms: number) => `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;

/** e.g. "8.5 s", "42 s", "3 min 05 s", "1 h 02 min". */
export function fmtDuration(s: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 59.5) return `${s < 9.95 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3570) {
    const t = Math.round(s);
    return `${Math.floor(t / 60)} min ${pad(t % 60)} s`;
  }
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${pad(m % 60)} min`;
}

/** The player's model time on the open video, from the session log's newest rows: the model of the
 *  newest row, the video's first frame left out (it pays for compiles and the engine pick), the
 *  median time per pixel. Pixels: the lens's region where the model ran on it only, else the
 *  model's input (the frame, or the frame downscaled 4x in reference mode; a row whose PSNR has not
 *  come yet is taken in the player's mode, `video.psnr`). `rows`: newest first. */
export function playerTiming(
  rows: Iterable<LogRow>,
  video: { name: string; width: number; height: number; psnr: PsnrMode | null },
  models: readonly Costed[],
  maxRows = 30,
): ModelTiming | null {
  const rates: { ms: number; px: number; w: number; h: number }[] = [];
  let model: string | null = null, full = false, lastTaken = false;
  for (const r of rows) {
    if (r.video !== video.name) break;
    lastTaken = false;
    if (rates.length >= maxRows) {
      full = true;
      break;
    }
    if (!(r.modelMs > 0)) continue;
    model ??= r.model;
    if (r.model !== model) continue;
    const lens = /^(\d+)x(\d+)\+/.exec(r.lens);
    const [w, h] = lens ? [+lens[1], +lens[2]] : (r.psnrMode ?? video.psnr) === 'reference' ? [Math.floor(video.width / 4), Math.floor(video.height / 4)] : [video.width, video.height];
    rates.push({ ms: r.modelMs, px: w * h, w, h });
    lastTaken = true;
  }
  // rows come newest first: a walk that reached the video's first row ends on it
  if (!full && lastTaken) rates.pop();
  const m = models.find((x) => x.id === model);
  if (!rates.length || !m) return null;
  const sorted = [...rates].sort((a, b) => a.ms / a.px - b.ms / b.px);
  const med = sorted[Math.floor(sorted.length / 2)], newest = rates[0];
  return { model: m, pixels: newest.px, size: { width: newest.w, height: newest.h }, ms: (med.ms / med.px) * newest.px, where: 'player' };
}

/** The log's rows, newest first. */
export function* newestFirst(log: SessionLog): Generator<LogRow, void, unknown> {
  for (let id = log.end - 1; id >= log.first; id--) {
    const r = log.row(id);
    if (r) yield r;
  }
}
