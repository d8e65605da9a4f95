// Types of sample.mjs (plain JavaScript so that the bench scripts can import it under Node alone).

/** Nearest-rank percentile of `xs` (p in 0..100); NaN for no samples. */
export declare function percentile(xs: readonly number[], p: number): number;
/** The nearest-rank p50 (for an even count, the lower of the middle two); NaN for no samples. */
export declare function median(xs: readonly number[]): number;
/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
export declare function rng(seed: number): () => number;
