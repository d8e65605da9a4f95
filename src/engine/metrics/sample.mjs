// Statistics and seeded randomness for the player, its tests and the benchmarks, written once.
// Plain JavaScript (types in sample.d.mts) so that every caller takes this very file: the player
// and the unit tests through Vite, the Playwright specs, the bench pages through the Vite server
// (/src/engine/metrics/sample.mjs), and the bench scripts under plain Node, also on the GPU machine,
// which has no node_modules and no TypeScript (a relative import: src/ travels with the tree).

/** Nearest-rank percentile: the smallest sample with at least p% of the samples <= it (p50 of
 *  1..4 is 2, p95 of 1..20 is 19); NaN for no samples. The one rule for every p50/p95 figure. */
export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1];
}

/** The median as every figure here takes it: the nearest-rank p50 (for an even count, the lower
 *  of the middle two: a sample that was measured, never a mean of two). */
export const median = (xs) => percentile(xs, 50);

/** A seeded generator of uniform numbers in [0, 1) (mulberry32: 32 bits of state, small and fast,
 *  good enough for test data, benchmark inputs and fuzzing; the same seed gives the same sequence,
 *  so a failure can be replayed by its seed). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
