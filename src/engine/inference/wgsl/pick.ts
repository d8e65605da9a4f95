// The rules of the start-up pick between onnxruntime-web and the WGSL engine (inference/auto.ts
// times both and applies them): which engine is faster, and whether the WGSL engine's output agrees
// with the reference's. Pure: no GPU, no timing.
import type { EngineName } from '../types';

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
