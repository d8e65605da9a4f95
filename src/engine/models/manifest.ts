import type { DType, ModelSummary } from '../inference/types';

/** models/manifest.json: the contract with training/export (see README). */
export interface ModelFiles {
  fp16: string;
  fp32: string;
}
export interface ModelEntry extends ModelFiles {
  id: string;
  scale: number;
  channels?: number;
  act?: string;
  low: ModelFiles | null;
  /** raw merged conv weights for the WGSL engine (training/export.py) */
  weights?: WeightsFile;
  metrics?: Record<string, unknown>;
  /** FLOPs per 1024x1024 frame (what the width costs: engine/pace.ts) */
  flops?: number;
  /** a model the user dropped (or gave by URL), for this session: not in the manifest */
  user?: UserModel;
}
/** What the checks of a user's model found (models.ts). */
export interface UserModel {
  /** the file's name */
  name: string;
  dtype: DType;
  size: number;
  summary: ModelSummary | null;
}
export interface WeightsFile {
  file: string;
  convs: [number, number][];
  act: string;
  slope: number;
}
export interface Manifest {
  default: string;
  models: ModelEntry[];
}

export class ManifestError extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fileName = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9._-]+\.onnx$/.test(v)) throw new ManifestError(`${what} must be an .onnx file name in models/, got ${JSON.stringify(v)}`);
  return v;
};

export function parseManifest(json: unknown): Manifest {
  if (!isObj(json)) throw new ManifestError('manifest is not a JSON object');
  if (!Array.isArray(json.models) || json.models.length === 0) throw new ManifestError('manifest has no "models" list');
  const models = json.models.map((m, i): ModelEntry => {
    if (!isObj(m)) throw new ManifestError(`models[${i}] is not an object`);
    if (typeof m.id !== 'string' || !m.id) throw new ManifestError(`models[${i}] has no id`);
    const scale = m.scale ?? 4;
    if (scale !== 4) throw new ManifestError(`model ${m.id}: scale ${String(scale)} is not supported (only 4)`);
    let low: ModelFiles | null = null;
    if (m.low !== undefined && m.low !== null) {
      if (!isObj(m.low)) throw new ManifestError(`model ${m.id}: "low" is not an object`);
      low = { fp16: fileName(m.low.fp16, `model ${m.id} low.fp16`), fp32: fileName(m.low.fp32, `model ${m.id} low.fp32`) };
    }
    let weights: WeightsFile | undefined;
    const w = m.weights;
    if (isObj(w) && typeof w.file === 'string' && /^[A-Za-z0-9._-]+\.bin$/.test(w.file) && Array.isArray(w.convs)
      && w.convs.every((c) => Array.isArray(c) && c.length === 2 && c.every((n) => Number.isInteger(n) && n > 0))) {
      weights = { file: w.file, convs: w.convs as [number, number][], act: typeof w.act === 'string' ? w.act : 'lrelu', slope: typeof w.slope === 'number' ? w.slope : 0.1 };
    }
    return {
      id: m.id,
      scale: 4,
      channels: typeof m.channels === 'number' ? m.channels : undefined,
      act: typeof m.act === 'string' ? m.act : undefined,
      fp16: fileName(m.fp16, `model ${m.id} fp16`),
      fp32: fileName(m.fp32, `model ${m.id} fp32`),
      low,
      weights,
      metrics: isObj(m.metrics) ? m.metrics : undefined,
      flops: typeof m.flops_per_frame_1024 === 'number' && m.flops_per_frame_1024 > 0 ? m.flops_per_frame_1024 : undefined,
    };
  });
  const ids = new Set<string>();
  for (const m of models) {
    if (ids.has(m.id)) throw new ManifestError(`duplicate model id ${m.id}`);
    ids.add(m.id);
  }
  const def = typeof json.default === 'string' && ids.has(json.default) ? json.default : models[0].id;
  return { default: def, models };
}

/** The model to use: ?model=<id> when it exists, else the manifest default. */
export function pickModel(m: Manifest, requested: string | null): { model: ModelEntry; warning: string | null } {
  if (requested) {
    const hit = m.models.find((x) => x.id === requested);
    if (hit) return { model: hit, warning: null };
    const def = m.models.find((x) => x.id === m.default)!;
    return { model: def, warning: `model "${requested}" is not in the manifest; using ${def.id}` };
  }
  return { model: m.models.find((x) => x.id === m.default)!, warning: null };
}

/** A model's recorded quality: the mean of its Set5 and Set14 PSNR-Y (dB) in the manifest's
 *  metrics (what training/evaluate.py writes); null when either is missing (a user's model). */
export function modelScore(m: ModelEntry): number | null {
  const y = (set: string): number | null => {
    const s = m.metrics?.[set];
    return isObj(s) && typeof s.model_y === 'number' && Number.isFinite(s.model_y) ? s.model_y : null;
  };
  const a = y('Set5'), b = y('Set14');
  return a === null || b === null ? null : (a + b) / 2;
}

/** The best-scoring of `models` by modelScore (the wider on a tie, then the first); null when none
 *  has a score. Quality does not grow with width alone: a longer-trained C=32 scores above C=48. */
export function bestScoring(models: readonly ModelEntry[]): ModelEntry | null {
  let best: ModelEntry | null = null, bestScore = -Infinity;
  for (const m of models) {
    const s = modelScore(m);
    if (s === null) continue;
    if (s > bestScore || (s === bestScore && (m.flops ?? 0) > (best?.flops ?? 0))) [best, bestScore] = [m, s];
  }
  return best;
}
