// The tests' own PSNR of model outputs (tests/f16, e2e/engines): values clamped to [0, 1], peak 1,
// over the whole NCHW tensor. Written out here rather than taken from the player's code, which it
// checks.
import assert from 'node:assert/strict';

/** PSNR (dB) of a against b. */
export function tensorPsnr(a, b) {
  assert.equal(a.length, b.length, 'outputs differ in length');
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.min(1, Math.max(0, a[i])) - Math.min(1, Math.max(0, b[i]));
    s += d * d;
  }
  return s === 0 ? Infinity : 10 * Math.log10(a.length / s);
}
