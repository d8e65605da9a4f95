// Choosing between onnxruntime-web and the WGSL engine (issue 4: "let the player pick the faster
// engine"): `?engine=ort|wgsl|auto` (auto by default), and for auto a short timing of both on the
// player's own input at start-up. Pure helpers plus one timing loop; inference/auto.ts uses them.
import { RollingStats } from '../../stats';
import type { EngineName, Runner } from '../types';

export type EngineChoice = EngineName | 'auto';

/** `?engine=` from a query string; anything else is 'auto'. */
export function engineParam(search: string): EngineChoice {
  const v = new URLSearchParams(search).get('engine');
  return v === 'ort' || v === 'wgsl' ? v : 'auto';
}

type Runs = Pick<Runner, 'run'>;

/** Median ms of run('full') + queue.onSubmittedWorkDone() over up to `frames` runs, stopping
 *  early once `budgetMs` is spent (at least one run): on a slow GPU the pick must not hold the
 *  first frame for many slow runs. The caller warms the runner up first (compiles, allocations). */
export async function timeRuns(device: GPUDevice, r: Runs, input: GPUBuffer, w: number, h: number, frames: number, budgetMs: number): Promise<number> {
  const ts = new RollingStats(frames);
  const t0 = performance.now();
  while (ts.count < frames && !(ts.count > 0 && performance.now() - t0 > budgetMs)) {
    const t = performance.now();
    const o = await r.run('full', input, w, h);
    await device.queue.onSubmittedWorkDone();
    ts.push(performance.now() - t);
    o.release();
  }
  return ts.percentile(50);
}

/** The faster engine (null: it failed, disagreed or was not timed). Ties (within `margin`,
 *  relative) go to onnxruntime-web, the reference. */
export function fasterEngine(ms: { ort: number | null; wgsl: number | null }, margin = 0.05): EngineName {
  if (ms.wgsl == null) return 'ort';
  if (ms.ort == null) return 'wgsl';
  return ms.wgsl < ms.ort * (1 - margin) ? 'wgsl' : 'ort';
}

/** PSNR (dB) of `a` against `b`, both on the [0,1] scale, clamped as the present pass shows them.
 *  `decode` maps stored values to numbers (FP16 outputs: a binary16 table), so a 1024x1024
 *  frame's 50 M values are compared without a float copy of each. */
export function psnrDb(a: ArrayLike<number>, b: ArrayLike<number>, decode?: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new Error('psnrDb: outputs differ in length');
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = decode ? clamp(decode[a[i]]) - clamp(decode[b[i]]) : clamp(a[i]) - clamp(b[i]);
    s += d * d;
  }
  return s === 0 ? Infinity : 10 * Math.log10(a.length / s);
}

/** Below this (dB against onnxruntime-web on the same frame) the WGSL engine is not trusted:
 *  fp32 agrees to ~1e-6 (> 100 dB), fp16 rounding alone stays above 60 dB, and 45 dB is still
 *  far below any visible difference. */
export const AGREE_DB = 45;
