// The WGSL engine (src/engine/inference/wgsl) in headless Chromium's WebGPU (SwiftShader here),
// FP32, against an independent reference: onnxruntime-node (CPU) running the committed ONNX files
// of the same model on the same input, driven directly (every width, odd sizes, size changes) rather
// than through the player: this test serves the source through its own Vite dev server (Vite
// compiles the TypeScript and the `?raw` WGSL imports) and loads it into a blank page on that origin.
// FP16 does not run here: software WebGPU has no shader-f16 (the engine refuses fp16 without it);
// its shaders are validated by naga (src/engine/inference/wgsl/naga.test.ts).
import { expect, test } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import * as ort from 'onnxruntime-node';
import fs from 'node:fs';
import path from 'node:path';
import { rng } from '../src/engine/metrics/sample.mjs';

const HARNESS = `<!doctype html><meta charset="utf-8"><title>wgsl engine test</title>
<script type="module">
import { WgslRunner } from '/src/engine/inference/wgsl/index.ts';
import { createGpu } from '/src/engine/gpu/device.ts';
import { counters, createBuffer, destroyBuffer, readBuffer } from '/src/engine/gpu/resources.ts';
const b64 = (buf) => { const u8 = new Uint8Array(buf); let s = ''; for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000)); return btoa(s); };
window.wgslCheck = async (modelId, cases) => {
  const { device, description, f16 } = await createGpu();
  const manifest = await (await fetch('/models/manifest.json')).json();
  const m = manifest.models.find((x) => x.id === modelId);
  const before = counters.buffersLive, outputsBefore = counters.ortOutputsLive;
  device.pushErrorScope('validation');
  const r = await WgslRunner.create(device, 'fp32', await (await fetch('/models/' + m.weights.file)).arrayBuffer(), m.weights.convs, m.weights.slope);
  const out = [];
  for (const c of cases) {
    const x = new Float32Array(c.input);
    const inp = createBuffer(device, { label: 'test input', size: x.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(inp, 0, x);
    const t0 = performance.now();
    const o = await r.run(c.which, inp, c.w, c.h);
    // a second run while the first output is held: a different buffer, same values
    const o2 = c.twice ? await r.run(c.which, inp, c.w, c.h) : null;
    const bytes = await readBuffer(device, o.buffer, 48 * c.w * c.h * 4);
    const ms = performance.now() - t0;
    const same = o2 ? b64(await readBuffer(device, o2.buffer, 48 * c.w * c.h * 4)) === b64(bytes) : null;
    const distinct = o2 ? o2.buffer !== o.buffer : null;
    o.release(); o.release(); o2?.release();
    destroyBuffer(inp);
    out.push({ data: b64(bytes), ms, same, distinct });
  }
  await r.dispose();
  const err = await device.popErrorScope();
  const leaked = { buffers: counters.buffersLive - before, outputs: counters.ortOutputsLive - outputsBefore };
  device.destroy();
  return { description, f16, out, leaked, error: err ? err.message : null };
};
window.wgslReady = true;
</script>`;

let server: ViteDevServer;
let base = '';

test.beforeAll(async () => {
  server = await createServer({
    root: process.cwd(),
    configFile: path.resolve('vite.config.ts'),
    logLevel: 'warn',
    server: { port: 5291, strictPort: false, hmr: false },
    optimizeDeps: { noDiscovery: true, include: [] }, // the harness imports no packages
  });
  await server.listen();
  base = server.resolvedUrls!.local[0].replace(/\/$/, '');
});

test.afterAll(async () => {
  await server?.close();
});

const randomInput = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, rng(seed));

async function reference(file: string, x: Float32Array, w: number, h: number): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(file);
  const out = await s.run({ input: new ort.Tensor('float32', x, [1, 3, h, w]) });
  const data = Float32Array.from(out.output.data as Float32Array);
  await s.release();
  return data;
}

// C=32 at the sizes of the other e2e tests; C=48 and C=64 (the default) on tiny inputs, where the
// output vec4s are split over the grid's z (conv.wgsl / head.wgsl with o0 > 0).
const MODELS: { id: string; cases: { which: 'full' | 'low'; w: number; h: number; seed: number; twice: boolean }[] }[] = [
  {
    id: 'sr4x-c32',
    cases: [
      { which: 'full', w: 24, h: 20, seed: 1, twice: true },
      { which: 'low', w: 24, h: 20, seed: 1, twice: false },
      { which: 'full', w: 13, h: 7, seed: 2, twice: false }, // size change; width not a multiple of the pixel block
    ],
  },
  { id: 'sr4x-c48', cases: [{ which: 'full', w: 9, h: 6, seed: 3, twice: false }, { which: 'low', w: 9, h: 6, seed: 3, twice: false }] },
  { id: 'sr4x-c64', cases: [{ which: 'full', w: 10, h: 7, seed: 4, twice: false }, { which: 'low', w: 10, h: 7, seed: 4, twice: false }] },
];

test('WGSL engine fp32 equals onnxruntime on the full and low paths (C=32/48/64, odd sizes, size change, pooled outputs)', async ({ page }) => {
  const manifest = JSON.parse(fs.readFileSync('models/manifest.json', 'utf8'));
  page.on('pageerror', (e) => console.log('[pageerror]', e.message));
  await page.route(`${base}/__wgsl-engine-test.html`, (r) => r.fulfill({ contentType: 'text/html', body: HARNESS }));
  await page.goto(`${base}/__wgsl-engine-test.html`);
  await page.waitForFunction(() => (window as any).wgslReady === true, null, { timeout: 60_000 });

  let tested = 0;
  for (const spec of MODELS) {
    const m = manifest.models.find((x: any) => x.id === spec.id);
    if (!m?.weights) {
      console.log(`${spec.id}: not in the manifest or no raw weights file, skipped`);
      continue;
    }
    const cases = spec.cases.map((c) => ({ ...c, input: randomInput(3 * c.w * c.h, c.seed) }));
    const r = await page.evaluate(
      ({ id, cases }) => (window as any).wgslCheck(id, cases),
      { id: spec.id, cases: cases.map((c) => ({ which: c.which, w: c.w, h: c.h, twice: c.twice, input: Array.from(c.input) })) },
    );
    if (!tested) console.log(`adapter: ${r.description} (shader-f16: ${r.f16})`);
    expect(r.error).toBeNull();
    for (const [i, c] of cases.entries()) {
      const file = path.join('models', c.which === 'full' ? m.fp32 : m.low.fp32);
      const ref = await reference(file, c.input, c.w, c.h);
      const bytes = Buffer.from(r.out[i].data, 'base64');
      const got = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      expect(got.length).toBe(ref.length);
      let maxDiff = 0, maxRef = 0;
      for (let k = 0; k < ref.length; k++) {
        maxDiff = Math.max(maxDiff, Math.abs(got[k] - ref[k]));
        maxRef = Math.max(maxRef, Math.abs(ref[k]));
      }
      console.log(`${spec.id} ${c.which} ${c.w}x${c.h}: max |wgsl - onnxruntime| = ${maxDiff.toExponential(2)} (max |ref| ${maxRef.toFixed(3)}), ${r.out[i].ms.toFixed(0)} ms incl. readback`);
      expect(maxRef).toBeGreaterThan(0.1); // the reference is not trivially zero
      expect(maxDiff).toBeLessThan(1e-4);
      if (c.twice) {
        expect(r.out[i].distinct).toBe(true);
        expect(r.out[i].same).toBe(true);
      }
      tested++;
    }
    expect(r.leaked).toEqual({ buffers: 0, outputs: 0 }); // release()/dispose() destroyed every buffer the engine made
  }
  expect(tested).toBeGreaterThan(0);
});
