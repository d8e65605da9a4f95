// Model-only timing in the page, through the player's own onnxruntime-web code: its WASM settings
// (configureOrt), its runner (ModelRunner: session options, IO on the GPU, FP16 conversion) and
// its device set-up (src/engine/gpu/device.ts), all served by the player's Vite server.
// Driven by bench/browser/run.mjs through window.benchModel(opts).
import { createGpu } from '/src/engine/gpu/device.ts';
import { toF16 } from '/src/engine/gpu/half.ts';
import { configureOrt, ModelRunner, ortConfig, ortVersions, pageThreads } from '/src/engine/inference/index.ts';
import { median, percentile, rng } from '/src/engine/metrics/sample.mjs';

configureOrt(new URL('/ort/', location.href).href, pageThreads());

let gpuP = null;
const gpu = () => (gpuP ??= createGpu());

/** opts: {backend:'webgpu'|'wasm', dtype:'fp32'|'fp16', modelUrl, sizes:[px], warmup, frames, maxMs} */
window.benchModel = async (opts) => {
  const { backend, dtype, modelUrl, sizes, warmup = 2, warmupMs = 1500, frames = 10, maxMs = 5000 } = opts;
  const fp16 = dtype === 'fp16';
  const bytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
  let device = null, adapter = null;
  if (backend === 'webgpu') {
    const g = await gpu();
    device = g.device; adapter = g.description;
    if (fp16 && !g.f16) return { error: 'adapter has no shader-f16', adapter };
  }
  const t0 = performance.now();
  const runner = await ModelRunner.create(backend, dtype, device, { full: modelUrl, low: null }, async () => bytes);
  const create_ms = performance.now() - t0;
  const rows = [];
  for (const S of sizes) {
    const host = Float32Array.from({ length: 3 * S * S }, rng(12345));
    let once, buf = null;
    if (backend === 'webgpu') {
      const data = fp16 ? toF16(host) : host;
      buf = device.createBuffer({ size: Math.ceil(data.byteLength / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buf, 0, data);
      once = async () => {
        const o = await runner.run('full', buf, S, S);
        await device.queue.onSubmittedWorkDone();
        o.release();
      };
    } else {
      once = () => runner.runCpu('full', host, S, S);
    }
    const rb0 = window.__benchReadback?.bytes ?? 0;
    const tw = performance.now();
    // at least `warmup` runs and `warmupMs` (WASM code tiers up from Liftoff to TurboFan in the background)
    for (let i = 0; i < warmup || (performance.now() - tw < warmupMs && performance.now() - tw < maxMs); i++) await once();
    const warmup_ms = performance.now() - tw;
    const ts = [];
    const tl = performance.now();
    const rb1 = window.__benchReadback?.bytes ?? 0;
    while (ts.length < frames) {
      const s = performance.now(); await once(); ts.push(performance.now() - s);
      if (ts.length >= 3 && performance.now() - tl > maxMs) break;
    }
    const rb2 = window.__benchReadback?.bytes ?? 0;
    buf?.destroy();
    rows.push({ size: S, model_ms: median(ts), p95_ms: percentile(ts, 95), min_ms: Math.min(...ts), frames: ts.length, warmup_ms,
      readback_bytes_per_frame: (rb2 - rb1) / ts.length, readback_bytes_warmup: rb1 - rb0 });
  }
  await runner.dispose();
  return { adapter, create_ms, ort: ortVersions(), crossOriginIsolated: globalThis.crossOriginIsolated, threads: ortConfig().threads, rows };
};
window.benchReady = true;
document.getElementById('log').textContent += '\nready';
