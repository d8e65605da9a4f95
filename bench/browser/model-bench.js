// Model-only timing in the page, with the player's own onnxruntime-web build (the Vite alias of
// 'onnxruntime-web/webgpu'), its device set-up (src/engine/gpu/device.ts) and its session options.
// Driven by bench/browser/run.mjs through window.benchModel(opts).
import * as ort from 'onnxruntime-web/webgpu';
import { createGpu } from '/src/engine/gpu/device.ts';

ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
ort.env.logLevel = 'error';

let gpuP = null;
const gpu = () => (gpuP ??= createGpu());
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : null; };
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] : null; };

function f32ToF16(v) {
  const f = new Float32Array([v]); const x = new Uint32Array(f.buffer)[0];
  const s = (x >>> 16) & 0x8000; const e = ((x >>> 23) & 0xff) - 112; const m = x & 0x7fffff;
  return e <= 0 ? s : e >= 31 ? s | 0x7c00 : s | (e << 10) | (m >>> 13);
}

function randomInput(n, fp16) {
  let st = 12345;
  const rnd = () => { st = (st * 1664525 + 1013904223) >>> 0; return st / 4294967296; };
  if (fp16) { const a = new Uint16Array(n); for (let i = 0; i < n; i++) a[i] = f32ToF16(rnd()); return a; }
  const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = rnd(); return a;
}

/** opts: {backend:'webgpu'|'wasm', dtype:'fp32'|'fp16', modelUrl, sizes:[px], warmup, frames, maxMs} */
window.benchModel = async (opts) => {
  const { backend, dtype, modelUrl, sizes, warmup = 2, warmupMs = 1500, frames = 10, maxMs = 5000 } = opts;
  const fp16 = dtype === 'fp16';
  const bytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
  let device = null, adapter = null;
  let so;
  if (backend === 'webgpu') {
    const g = await gpu();
    device = g.device; adapter = g.description;
    if (fp16 && !g.f16) return { error: 'adapter has no shader-f16', adapter };
    so = { executionProviders: [{ name: 'webgpu', device }], preferredOutputLocation: 'gpu-buffer', graphOptimizationLevel: 'all' };
  } else {
    so = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  }
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(bytes, so);
  const create_ms = performance.now() - t0;
  const rows = [];
  for (const S of sizes) {
    const n = 3 * S * S;
    const host = randomInput(n, fp16);
    let feed, buf = null;
    const type = fp16 ? 'float16' : 'float32';
    if (backend === 'webgpu') {
      buf = device.createBuffer({ size: Math.ceil(host.byteLength / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buf, 0, host);
      feed = { input: ort.Tensor.fromGpuBuffer(buf, { dataType: type, dims: [1, 3, S, S] }) };
    } else {
      feed = { input: new ort.Tensor(type, host, [1, 3, S, S]) };
    }
    const once = async () => {
      const r = await session.run(feed);
      if (device) await device.queue.onSubmittedWorkDone();
      r.output.dispose();
    };
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
    rows.push({ size: S, model_ms: median(ts), p95_ms: p95(ts), min_ms: Math.min(...ts), frames: ts.length, warmup_ms,
      readback_bytes_per_frame: (rb2 - rb1) / ts.length, readback_bytes_warmup: rb1 - rb0 });
  }
  await session.release();
  return { adapter, create_ms, ort: ort.env.versions, crossOriginIsolated: globalThis.crossOriginIsolated, threads: ort.env.wasm.numThreads, rows };
};
window.benchReady = true;
document.getElementById('log').textContent += '\nready';
