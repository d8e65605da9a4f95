// `npm run bench`: the in-browser benchmark, headless Chromium (software WebGPU where there is no
// GPU), through the player's own Vite server (same ORT build, headers, device set-up).
//   1. model-only: per backend (WebGPU fp32 / fp16 where the adapter has shader-f16, WASM fp32)
//      and input size, median of session.run (+ onSubmittedWorkDone on WebGPU) after warm-up,
//      IO on the GPU for WebGPU (Tensor.fromGpuBuffer in, gpu-buffer out);
//   2. pipeline: the player on a generated clip (?backend=webgpu|wasm; on WebGPU the engine it picks
//      itself), free-running: frame time = wall time / frames (frames overlap on the GPU), latency
//      and model time from the player's own samples, and bytes read back to the CPU per frame
//      (every GPUBuffer.mapAsync(READ) in the page is counted by an init script);
// and writes bench/results/<machine>-<date>.json in the schema. Prints numbers; asserts
// nothing about speed.
//
// Options (env): BENCH_SIZES=16,32,64  BENCH_CLIPS=32,64  BENCH_FRAMES=10  BENCH_PIPE_FRAMES=8
//   BENCH_MAX_S=20 (per measurement)  BENCH_MACHINE=name  BENCH_BACKENDS=webgpu,wasm
//   BENCH_HEADED_GPU=1 (launch without the SwiftShader flags, for a machine with a real GPU)
//   BENCH_OUT=path (default bench/results/<machine>-<date>.json)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowser } from '../lib/browser.mjs';
import { runInfo, writeResults } from '../lib/results.mjs';
import { list, median, r3 } from '../lib/util.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = process.env;
const SIZES = list(env.BENCH_SIZES, '16,32,64').map(Number);
const CLIPS = list(env.BENCH_CLIPS, '32,64').map(Number);
const FRAMES = Number(env.BENCH_FRAMES ?? 10);
const PIPE_FRAMES = Number(env.BENCH_PIPE_FRAMES ?? 8);
const MAX_MS = Number(env.BENCH_MAX_S ?? 20) * 1000;
const BACKENDS = list(env.BENCH_BACKENDS, 'webgpu,wasm');
const log = (...a) => console.log('[bench]', ...a);

function pickModel() {
  const dir = path.resolve(ROOT, env.SR_MODELS_DIR ?? 'models');
  const mf = path.join(dir, 'manifest.json');
  if (fs.existsSync(mf)) {
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    const e = m.models.find((x) => x.id === m.default) ?? m.models[0];
    if (fs.existsSync(path.join(dir, e.fp32))) return { dir, entry: e, generated: false };
  }
  // no model: random weights with the lead's exporter-free builder (bench/gpu/make_models.py)
  const out = path.join(os.tmpdir(), 'sr4x-bench-models');
  execFileSync('/usr/bin/python3', [path.join(ROOT, 'bench/gpu/make_models.py'), out, '--channels', '32'], { stdio: 'inherit' });
  const entry = { id: 'bench-c32', scale: 4, channels: 32, fp16: 'sr_c32_fp16.onnx', fp32: 'sr_c32_fp32.onnx', low: null, notes: 'random weights (bench)' };
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ default: entry.id, models: [entry] }));
  return { dir: out, entry, generated: true };
}

function makeClip(size) {
  const f = path.join(os.tmpdir(), `sr4x-bench-${size}.mp4`);
  if (!fs.existsSync(f) || fs.statSync(f).size === 0) {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}x${size}:rate=30`,
      '-frames:v', '300', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-an', f]);
  }
  return f;
}

const countReadback = () => {
  const st = (window.__benchReadback = { bytes: 0, maps: 0 });
  const P = globalThis.GPUBuffer && GPUBuffer.prototype;
  if (!P || !P.mapAsync) return;
  const orig = P.mapAsync;
  P.mapAsync = function (mode, offset = 0, size) {
    if (mode & 1 /* GPUMapMode.READ */) { st.bytes += size ?? this.size - offset; st.maps++; }
    return orig.call(this, mode, offset, size);
  };
};

async function main() {
  const t0 = Date.now();
  const model = pickModel();
  env.SR_MODELS_DIR = model.dir;
  log(`model ${model.entry.id} (C=${model.entry.channels ?? '?'}) from ${path.relative(ROOT, model.dir) || model.dir}${model.generated ? ' (generated, random weights)' : ''}`);
  const { base, browser, close } = await startBrowser(ROOT, { port: 5290 });
  const ctx = await browser.newContext();
  await ctx.addInitScript(countReadback);
  const results = [];
  let adapter = null, ortVersions = null, coi = null, threads = null;
  try {
    // ---------------------------------------------------------------- model-only
    const page = await ctx.newPage();
    page.on('pageerror', (e) => log('pageerror', e.message));
    await page.goto(`${base}/bench/browser/model.html`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 120_000 });
    const gpuInfo = await page.evaluate(async () => { try { const a = await navigator.gpu?.requestAdapter(); return a ? { f16: a.features.has('shader-f16'), info: [a.info?.vendor, a.info?.architecture, a.info?.description].filter(Boolean).join(' ') } : null; } catch { return null; } });
    const runs = [];
    if (BACKENDS.includes('webgpu') && gpuInfo) { runs.push(['webgpu', 'fp32']); if (gpuInfo.f16) runs.push(['webgpu', 'fp16']); }
    if (BACKENDS.includes('wasm')) runs.push(['wasm', 'fp32']);
    for (const [backend, dtype] of runs) {
      const file = dtype === 'fp16' ? model.entry.fp16 : model.entry.fp32;
      log(`model-only ${backend} ${dtype}, sizes ${SIZES.join(',')} ...`);
      const r = await page.evaluate((o) => window.benchModel(o), { backend, dtype, modelUrl: `/models/${file}`, sizes: SIZES, warmup: 2, warmupMs: 1500, frames: backend === 'wasm' ? Math.max(FRAMES, 20) : FRAMES, maxMs: MAX_MS })
        .catch((e) => ({ error: String(e.message ?? e) }));
      if (r.error) { log(`  error: ${r.error}`); results.push({ engine: 'onnxruntime-web', backend, precision: dtype, input: null, model_ms: null, frame_ms: null, kind: 'model-only', status: 'error', error: r.error }); continue; }
      adapter ??= r.adapter; ortVersions = r.ort; coi = r.crossOriginIsolated; if (backend === 'wasm') threads = r.threads;
      for (const row of r.rows) {
        log(`  ${backend} ${dtype} ${row.size}x${row.size}: model ${r3(row.model_ms)} ms (p95 ${r3(row.p95_ms)}, n=${row.frames}), readback ${row.readback_bytes_per_frame} B/frame`);
        results.push({ engine: 'onnxruntime-web', backend, precision: dtype, input: [row.size, row.size], model_ms: r3(row.model_ms), frame_ms: null,
          kind: 'model-only', p95_ms: r3(row.p95_ms), min_ms: r3(row.min_ms), frames: row.frames, warmup_ms: r3(row.warmup_ms),
          session_create_ms: r3(r.create_ms), readback_bytes_per_frame: row.readback_bytes_per_frame, wasm_threads: backend === 'wasm' ? r.threads : undefined, status: 'ok' });
      }
    }
    await page.close();

    // ---------------------------------------------------------------- player pipeline
    for (const CLIP of CLIPS) for (const backend of BACKENDS) {
      const clip = makeClip(CLIP);
      if (backend === 'webgpu' && !gpuInfo) continue;
      log(`pipeline ${backend} on a ${CLIP}x${CLIP} generated clip ...`);
      const p = await ctx.newPage();
      p.on('pageerror', (e) => log('pageerror', e.message));
      try {
        await p.goto(`${base}/?demo=0&backend=${backend}`);
        await p.waitForFunction(() => window.__sr?.state().modelReady, null, { timeout: 180_000 });
        await p.getByTestId('file-input').setInputFiles(clip);
        await p.waitForFunction(() => window.__sr.state().framesProcessed >= 2, null, { timeout: 180_000, polling: 200 });
        // free-running: every frame as fast as the pipeline goes (no waiting for timestamps, no drops),
        // so wall time per frame is the throughput the 60 fps target is about
        await p.evaluate(() => window.__sr.setRealtime(false));
        const start = await p.evaluate(() => ({ f: window.__sr.state().framesProcessed, b: window.__benchReadback.bytes, m: window.__benchReadback.maps, t: performance.now() }));
        await p.waitForFunction((o) => window.__sr.state().framesProcessed >= o.f + o.n || performance.now() - o.t > o.max,
          { f: start.f, n: PIPE_FRAMES, t: start.t, max: MAX_MS * 3 }, { timeout: MAX_MS * 3 + 60_000, polling: 100 });
        const end = await p.evaluate(() => {
          const s = window.__sr.state(), e = window.__sr.engine;
          // the engine's own per-frame samples (RollingStats of the last 120 frames)
          const buf = (x) => (x && Array.isArray(x.buf) ? [...x.buf] : null);
          return { f: s.framesProcessed, modelClock: s.modelClock, playerEngine: s.engine, b: window.__benchReadback.bytes, m: window.__benchReadback.maps, t: performance.now(),
            lat: buf(e.latency), mod: buf(e.modelTime), dtype: s.dtype, input: s.input, counters: window.__sr.counters(),
            latencyText: document.querySelector('[data-testid=stat-latency]')?.textContent ?? null,
            backendText: document.querySelector('[data-testid=stat-backend]')?.textContent ?? null };
        });
        const n = end.f - start.f;
        if (!end.lat || !end.mod) throw new Error('engine per-frame samples not reachable (window.__sr.engine.latency/modelTime)');
        // frames overlap on the GPU (the next is prepared while this one runs), so the time per frame
        // is wall time / frames; latency (start to GPU done) is reported beside it
        const latency_ms = median(end.lat.slice(-n)), model_ms = median(end.mod.slice(-n));
        const frame_ms = n ? (end.t - start.t) / n : NaN;
        // the model-only rows are onnxruntime-web: comparable only when the player runs it too
        const mo = end.playerEngine === 'ort' ? results.find((r) => r.kind === 'model-only' && r.backend === backend && r.precision === end.dtype && r.input?.[0] === end.input?.width && r.status === 'ok') : null;
        const row = { engine: 'sr4x-player', backend, precision: end.dtype, input: end.input ? [end.input.width, end.input.height] : null,
          model_ms: r3(model_ms), frame_ms: r3(frame_ms), latency_ms: r3(latency_ms), model_clock: end.modelClock, player_engine: end.playerEngine, kind: 'pipeline', frames: n,
          overhead: r3(frame_ms / model_ms - 1), model_only_ms: mo?.model_ms ?? null, frame_over_model_only: mo ? r3(frame_ms / mo.model_ms) : null,
          readback_bytes_per_frame: n ? (end.b - start.b) / n : null, readback_maps_per_frame: n ? (end.m - start.m) / n : null,
          stat_backend: end.backendText, stat_latency: end.latencyText, status: n > 0 ? 'ok' : 'no frames' };
        log(`  ${backend} ${end.dtype} ${row.input?.join('x')}: frame ${row.frame_ms} ms (latency ${row.latency_ms}), model ${row.model_ms} ms (${row.player_engine}, ${row.model_clock}), overhead ${r3(row.overhead * 100)}%, readback ${row.readback_bytes_per_frame} B/frame (${n} frames)`);
        results.push(row);
      } catch (e) {
        log(`  error: ${e.message}`);
        results.push({ engine: 'sr4x-player', backend, precision: null, input: [CLIP, CLIP], model_ms: null, frame_ms: null, kind: 'pipeline', status: 'error', error: String(e.message).slice(0, 400) });
      } finally {
        await p.close();
      }
    }
  } finally {
    const version = browser.version();
    await close();
    const { machine, date, cpu, commit, gpu, pkg } = runInfo(ROOT, adapter);
    const doc = {
      machine, gpu, date,
      versions: { chromium: version, node: process.version, 'onnxruntime-web': ortVersions?.web ?? pkg('onnxruntime-web'), vite: pkg('vite'), playwright: pkg('@playwright/test'), commit },
      cpu, adapter, cross_origin_isolated: coi, wasm_threads: threads,
      model: { id: model.entry.id, channels: model.entry.channels ?? null, generated: model.generated, notes: model.entry.notes ?? null },
      method: 'model_ms: median per frame after warm-up (>= 2 runs and >= 1.5 s) (WebGPU: run + onSubmittedWorkDone, IO on the GPU). pipeline: the player free-running on a generated clip; frame_ms = wall time / frames (throughput: frames overlap on the GPU), latency_ms = median start-to-GPU-done, model_ms = the player\'s own model time (model_clock: gpu = GPU timestamps, queue = waiting for the queue, cpu = wall clock without WebGPU), overhead = frame/model - 1, frame_over_model_only only where the player ran onnxruntime-web as the model-only rows do; readback = bytes of every GPUBuffer.mapAsync(READ) in the page / frames.',
      results,
    };
    writeResults(ROOT, env.BENCH_OUT ?? path.join(ROOT, 'bench/results', `${machine}-${date.slice(0, 10)}.json`), doc, t0, log);
    console.log('\nkind        backend precision input      model_ms   frame_ms  overhead  readback B/frame');
    for (const r of results) {
      console.log(`${r.kind.padEnd(11)} ${String(r.backend).padEnd(7)} ${String(r.precision).padEnd(9)} ${String(r.input?.join('x') ?? '-').padEnd(9)} ${String(r.model_ms ?? '-').padStart(9)} ${String(r.frame_ms ?? '-').padStart(10)} ${String(r.overhead != null ? (r.overhead * 100).toFixed(1) + '%' : '-').padStart(9)} ${String(r.readback_bytes_per_frame ?? '-').padStart(17)}${r.error ? '  ' + r.error.slice(0, 80) : ''}`);
    }
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
