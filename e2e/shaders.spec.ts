// Tensor packing/unpacking shaders, FP32 and FP16 (the FP16 model itself needs shader-f16, which
// software WebGPU lacks; these shaders read/write halves as packed u32 and so run anywhere).
import { expect, test } from '@playwright/test';
import { halfToFloat } from '../src/engine/gpu/half';
import { rng } from '../src/engine/metrics/sample.mjs';
import { openPlayer } from './helpers';

for (const dtype of ['fp32', 'fp16'] as const) {
  test(`pack/unpack ${dtype}: NCHW layout, values, full and high views`, async ({ page }) => {
    await openPlayer(page, 'backend=wasm');
    const w = 7, h = 5; // odd sizes: 3*7*5 = 105 halves, the last u32 half-filled
    const u = rng(99), rnd = () => Math.floor(u() * 256);
    const a = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : rnd()));
    const b = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : rnd()));
    const r = await page.evaluate(
      async ({ a, b, w, h, dtype }) => {
        const t = await (window as any).__sr.packSelfTest(new Uint8Array(a), new Uint8Array(b), w, h, dtype);
        return { tensor: Array.from(t.tensor as Uint8Array), full: Array.from(t.full as Uint8Array), high: Array.from(t.high as Uint8Array) };
      },
      { a: Array.from(a), b: Array.from(b), w, h, dtype },
    );
    const bytes = new Uint8Array(r.tensor);
    const n = w * h;
    const vals = dtype === 'fp32' ? Array.from(new Float32Array(bytes.buffer)) : Array.from(halfToFloat(new Uint16Array(bytes.buffer)));
    expect(vals.length).toBeGreaterThanOrEqual(3 * n);
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) {
        const expected = a[i * 4 + c] / 255;
        expect(Math.abs(vals[c * n + i] - expected)).toBeLessThanOrEqual(dtype === 'fp32' ? 1e-7 : 2.5e-4);
      }
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 3; c++) {
        expect(r.full[i * 4 + c]).toBe(a[i * 4 + c]); // round trip is exact: k/255 survives fp16
        const hv = Math.round(Math.min(1, Math.max(0, 0.5 + (2 * (a[i * 4 + c] - b[i * 4 + c])) / 255)) * 255);
        expect(Math.abs(r.high[i * 4 + c] - hv)).toBeLessThanOrEqual(1);
      }
  });
}
