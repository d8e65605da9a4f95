// `npm run bench`: the in-browser benchmark, headless Chromium (software WebGPU where there is no
// GPU), through the player's own Vite server (same ORT build, headers, device set-up).
//   1. model-only: per backend (WebGPU fp32 / fp16 where the adapter has shader-f16, WASM fp32)
//      and input size, median of session.run (+ onSubmittedWorkDone on WebGPU) after warm-up,
//      IO on the GPU for WebGPU (Tensor.fromGpuBuffer in, gpu-buffer out);
//   2. pipeline: the player on a generated clip (?backend=webgpu|wasm; on WebGPU the engine it picks
//      itself), free-running: frame time = wall time / frames (frames overlap on the GPU), latency
//      and model time from the player's own samples, and bytes read back to the CPU per frame
//      (every GPUBuffer.mapAsync(READ) in the page is counted by an init script);
// and writes bench/results/<machine>-<date>.json in the results schema every benchmark writes (bench/lib/results.mjs). Prints numbers; asserts
// nothing about speed.
//
//   3. lens: the demo clip (1024x1024, 60 fps) on WASM, whole frame and lenses of growing side;
//   4. export: a 64x64 generated clip exported to MP4, frames per second beside the live rate.
// Options (env): BENCH_SIZES=16,32,64  BENCH_CLIPS=32,64  BENCH_FRAMES=10  BENCH_PIPE_FRAMES=8  BENCH_LENS_FRAMES=30
//   BENCH_LENS=16,32,64,128 (0: none)  BENCH_LENS_BACKEND=wasm  BENCH_EXPORT_CLIP=64
//   BENCH_MAX_S=20 (per measurement)  BENCH_MACHINE=name  BENCH_BACKENDS=webgpu,wasm
//   BENCH_HEADED_GPU=1 (launch without the SwiftShader flags, for a machine with a real GPU)
//   BENCH_MODEL=<manifest id> (default: the manifest's default)
//   BENCH_OUT=path (default bench/results/<machine>-<date>.json)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowser } from '../lib/browser.mjs';
import { heldSide, loadSideForRate } from './held-side.mjs';
import { runInfo, writeResults } from '../lib/results.mjs';
import { median } from '../../src/engine/metrics/sample.mjs';
import { list, r3 } from '../lib/util.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = process.env;
const SIZES = list(env.BENCH_SIZES, '16,32,64').map(Number);
const CLIPS = list(env.BENCH_CLIPS, '32,64').map(Number);
const FRAMES = Number(env.BENCH_FRAMES ?? 10);
const PIPE_FRAMES = Number(env.BENCH_PIPE_FRAMES ?? 8);
// a lens frame takes 50-150 ms on 2 cores: more of them, for figures that hold from run to run
const LENS_FRAMES = Number(env.BENCH_LENS_FRAMES ?? 30);
const MAX_MS = Number(env.BENCH_MAX_S ?? 20) * 1000;
const BACKENDS = list(env.BENCH_BACKENDS, 'webgpu,wasm');
const LENS_SIDES = list(env.BENCH_LENS, '16,32,64,128').map(Number).filter((x) => x > 0);
const EXPORT_CLIP = Number(env.BENCH_EXPORT_CLIP ?? 64);
const log = (...a) => console.log('[bench]', ...a);

function pickModel() {
  const dir = path.resolve(ROOT, env.SR_MODELS_DIR ?? 'models');
  const mf = path.join(dir, 'manifest.json');
  if (fs.existsSync(mf)) {
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    const want = env.BENCH_MODEL ?? m.default, e = m.models.find((x) => x.id === want);
    if (!e) throw new Error(`BENCH_MODEL=${want}: not in ${mf}`);
    if (fs.existsSync(path.join(dir, e.fp32))) return { dir, entry: e, generated: false };
  }
  // no model: random weights with the lead's exporter-free builder (bench/gpu/make_models.py)
  const out = path.join(os.tmpdir(), 'sr4x-bench-models');
  execFileSync('/usr/bin/python3', [path.join(ROOT, 'bench/gpu/make_models.py'), out, '--channels', '32'], { stdio: 'inherit' });
  const entry = { id: 'bench-c32', scale: 4, channels: 32, fp16: 'sr_c32_fp16.onnx', fp32: 'sr_c32_fp32.onnx', low: null, notes: 'random weights (bench)' };
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ default: entry.id, models: [entry] }));
  return { dir: out, entry, generated: true };
}

function makeClip(size, frames = 300) {
  const f = path.join(os.tmpdir(), `sr4x-bench-${size}-${frames}.mp4`);
  if (!fs.existsSync(f) || fs.statSync(f).size === 0) {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}x${size}:rate=30`,
      '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-an', f]);
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

/** The player free-running on `clip` (every frame, no drops): throughput, latency, model time. */
async function pipelineRow(ctx, base, backend, clip, { frames = PIPE_FRAMES, lens = null } = {}) {
  const p = await ctx.newPage();
  p.on('pageerror', (e) => log('pageerror', e.message));
  const label = `${backend}${lens ? ` lens ${lens}` : ''}`;
  try {
    // the model named: the player's own pick by measured speed would change it between rows
    await p.goto(`${base}/?demo=0&backend=${backend}&model=${encodeURIComponent(model.entry.id)}`);
    await p.waitForFunction(() => window.__sr?.state().modelReady, null, { timeout: 180_000 });
    await p.getByTestId('file-input').setInputFiles(clip);
    await p.waitForFunction(() => window.__sr.state().framesProcessed >= 1, null, { timeout: 300_000, polling: 200 });
    if (lens) {
      // the lens on, no larger than `lens` input pixels a side, at the centre of the (unzoomed) view
      await p.evaluate((side) => { const l = window.__sr.engine.lens; l.on = true; l.maxSide = side; }, lens);
      await p.waitForFunction((side) => window.__sr.lens()?.region.width === side, lens, { timeout: 300_000, polling: 200 });
    }
    await p.waitForFunction(() => window.__sr.state().framesProcessed >= 2, null, { timeout: 300_000, polling: 200 });
    // free-running: every frame as fast as the pipeline goes (no waiting for timestamps, no drops),
    // so wall time per frame is the throughput the 60 fps target is about
    await p.evaluate(() => window.__sr.setRealtime(false));
    const start = await p.evaluate(() => ({ cost: { ...(window.__sr.engine.processor?.cost ?? {}) }, f: window.__sr.state().framesProcessed, b: window.__benchReadback.bytes, m: window.__benchReadback.maps, t: performance.now() }));
    await p.waitForFunction((o) => window.__sr.state().framesProcessed >= o.f + o.n || performance.now() - o.t > o.max,
      { f: start.f, n: frames, t: start.t, max: MAX_MS * 3 }, { timeout: MAX_MS * 3 + 300_000, polling: 100 });
    const end = await p.evaluate(() => {
      const s = window.__sr.state(), l = window.__sr.latencies();
      return { cost: { ...(window.__sr.engine.processor?.cost ?? {}) }, f: s.framesProcessed, modelClock: s.modelClock, playerEngine: s.engine, b: window.__benchReadback.bytes, m: window.__benchReadback.maps, t: performance.now(),
        lat: l.frame, mod: l.model, dtype: s.dtype, input: s.input, lens: window.__sr.lens(),
        latencyText: document.querySelector('[data-testid=stat-latency]')?.textContent ?? null,
        backendText: document.querySelector('[data-testid=stat-backend]')?.textContent ?? null };
    });
    const n = end.f - start.f;
    // frames overlap on the GPU (the next is prepared while this one runs), so the time per frame
    // is wall time / frames; latency (start to GPU done) is reported beside it
    const latency_ms = median(end.lat.slice(-n)), model_ms = median(end.mod.slice(-n));
    const frame_ms = n ? (end.t - start.t) / n : NaN;
    // the CPU path only: its own passes' main-thread time per frame (ingest, drawing, PSNR)
    const cf = (end.cost.frames ?? 0) - (start.cost.frames ?? 0);
    const perFrame = (k) => (cf > 0 ? r3((end.cost[k] - start.cost[k]) / cf) : null);
    const passes_ms = cf > 0 ? (end.cost.passesMs - start.cost.passesMs) / cf : null;
    const passes_split_ms = cf > 0 ? { ingest: perFrame('ingestMs'), present: perFrame('presentMs'), psnr: perFrame('psnrMs') } : null;
    const row = { engine: 'sr4x-player', backend, precision: end.dtype, input: end.input ? [end.input.width, end.input.height] : null,
      model_ms: r3(model_ms), frame_ms: r3(frame_ms), latency_ms: r3(latency_ms), fps: r3(1000 / frame_ms), model_clock: end.modelClock, player_engine: end.playerEngine, kind: 'pipeline', frames: n,
      overhead: r3(frame_ms / model_ms - 1), lens: end.lens,
      passes_ms: passes_ms == null ? null : r3(passes_ms), passes_split_ms, passes_over_model: passes_ms == null ? null : r3(passes_ms / model_ms),
      readback_bytes_per_frame: n ? (end.b - start.b) / n : null, readback_maps_per_frame: n ? (end.m - start.m) / n : null,
      stat_backend: end.backendText, stat_latency: end.latencyText, status: n > 0 ? 'ok' : 'no frames' };
    log(`  ${label} ${end.dtype} ${row.input?.join('x')}: frame ${row.frame_ms} ms (${row.fps} fps, latency ${row.latency_ms}), model ${row.model_ms} ms (${row.player_engine}, ${row.model_clock}), overhead ${r3(row.overhead * 100)}%${passes_ms == null ? '' : ` (own passes ${row.passes_ms} ms = ${r3(row.passes_over_model * 100)}% of the model: ingest ${passes_split_ms.ingest}, present ${passes_split_ms.present}, PSNR ${passes_split_ms.psnr} ms)`}, readback ${row.readback_bytes_per_frame} B/frame (${n} frames)`);
    return row;
  } catch (e) {
    log(`  ${label} error: ${e.message}`);
    return { engine: 'sr4x-player', backend, precision: null, input: null, model_ms: null, frame_ms: null, kind: 'pipeline', status: 'error', error: String(e.message).slice(0, 400) };
  } finally {
    await p.close();
  }
}

/** The player's export of `clip` (MP4 of the 4x output, downloaded): frames per second, beside the
 *  live rate on the same clip (the player free-running). */
async function exportRow(ctx, base, backend, clip) {
  const live = await pipelineRow(ctx, base, backend, clip, {});
  const p = await ctx.newPage();
  p.on('pageerror', (e) => log('pageerror', e.message));
  try {
    await p.goto(`${base}/?demo=0&backend=${backend}&save=download&model=${encodeURIComponent(model.entry.id)}`);
    await p.waitForFunction(() => window.__sr?.state().modelReady, null, { timeout: 180_000 });
    await p.getByTestId('file-input').setInputFiles(clip);
    await p.waitForFunction(() => window.__sr.state().framesProcessed >= 1, null, { timeout: 300_000, polling: 200 });
    await p.evaluate(() => window.__sr.pause());
    await p.getByTestId('export').click();
    await p.getByTestId('export-start').waitFor({ state: 'visible' });
    await p.waitForFunction(() => !document.querySelector('[data-testid=export-start]')?.disabled, null, { timeout: 60_000 });
    const t = Date.now();
    const dl = p.waitForEvent('download', { timeout: MAX_MS * 30 });
    await p.getByTestId('export-start').click();
    await dl;
    const s = (Date.now() - t) / 1000;
    const notice = await p.getByTestId('notice').textContent().catch(() => null);
    const frames = Number(/exported (\d+) frames/.exec(notice ?? '')?.[1] ?? NaN);
    const row = { engine: 'sr4x-player', backend, precision: live.precision, input: live.input, kind: 'export', frames, export_s: r3(s), export_fps: r3(frames / s),
      live_fps: live.fps, live_frame_ms: live.frame_ms, notice, status: Number.isFinite(frames) ? 'ok' : 'error' };
    log(`  export ${backend} ${live.input?.join('x')}: ${frames} frames in ${r3(s)} s = ${row.export_fps} fps (live, free-running: ${live.fps} fps)`);
    return row;
  } catch (e) {
    log(`  export ${backend} error: ${e.message}`);
    return { engine: 'sr4x-player', backend, kind: 'export', status: 'error', error: String(e.message).slice(0, 400) };
  } finally {
    await p.close();
  }
}

/** the model every row runs (set once by main) */
let model = null;

async function main() {
  const t0 = Date.now();
  model = pickModel();
  env.SR_MODELS_DIR = model.dir;
  log(`model ${model.entry.id} (C=${model.entry.channels ?? '?'}) from ${path.relative(ROOT, model.dir) || model.dir}${model.generated ? ' (generated, random weights)' : ''}`);
  const { base, browser, vite, close } = await startBrowser(ROOT, { port: 5290 });
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
      if (backend === 'webgpu' && !gpuInfo) continue;
      log(`pipeline ${backend} on a ${CLIP}x${CLIP} generated clip ...`);
      results.push(await pipelineRow(ctx, base, backend, makeClip(CLIP), {}));
    }

    // ---------------------------------------------------------------- the lens on the demo
    // the whole 1024x1024 frame, then lenses of growing side, on the backend the player picks here
    if (LENS_SIDES.length) {
      const demo = path.join(ROOT, 'public/demo.mp4'), backend = env.BENCH_LENS_BACKEND ?? 'wasm';
      log(`lens on the demo (1024x1024, 60 fps), ${backend}: whole frame, then sides ${LENS_SIDES.join(', ')} ...`);
      results.push({ ...(await pipelineRow(ctx, base, backend, demo, { frames: 2 })), kind: 'lens', lens_side: null });
      for (const side of LENS_SIDES) results.push({ ...(await pipelineRow(ctx, base, backend, demo, { lens: side, frames: LENS_FRAMES })), kind: 'lens', lens_side: side });
    }

    // ---------------------------------------------------------------- export
    for (const backend of BACKENDS) {
      if (backend === 'webgpu' && !gpuInfo) continue;
      const clip = makeClip(EXPORT_CLIP, 60);
      log(`export ${backend} of a ${EXPORT_CLIP}x${EXPORT_CLIP} clip (60 frames) ...`);
      results.push(await exportRow(ctx, base, backend, clip));
    }
  } finally {
    const version = browser.version();
    // the lens side the ladder would hold at 60 fps from each whole-frame rate (the player's own rule)
    const sideForRate = await loadSideForRate(vite).catch((e) => log(`held lens side: ${e.message}`));
    await close();
    const { machine, date, cpu, commit, gpu, pkg } = runInfo(ROOT, adapter);
    if (sideForRate) for (const r of results) if (r.kind === 'lens' && !r.lens_side) r.lens_side_held_60fps = heldSide(sideForRate, r);
    const doc = {
      machine, gpu, date,
      versions: { chromium: version, node: process.version, 'onnxruntime-web': ortVersions?.web ?? pkg('onnxruntime-web'), vite: pkg('vite'), playwright: pkg('@playwright/test'), commit },
      cpu, adapter, cross_origin_isolated: coi, wasm_threads: threads,
      model: { id: model.entry.id, channels: model.entry.channels ?? null, generated: model.generated, notes: model.entry.notes ?? null },
      method: 'model_ms: median per frame after warm-up (>= 2 runs and >= 1.5 s) (WebGPU: run + onSubmittedWorkDone, IO on the GPU). pipeline: the player free-running on a generated clip; frame_ms = wall time / frames (throughput: frames overlap on the GPU), latency_ms = median start-to-GPU-done, model_ms = the player\'s own model time (model_clock: gpu = GPU timestamps, queue = waiting for the queue, cpu = wall clock without WebGPU), overhead = frame/model - 1 (wall time: includes scheduling, messages to the WASM worker, React), passes_ms = the CPU path\'s own passes (ingest, drawing, PSNR) in main-thread time per frame, passes_over_model = passes_ms / model_ms, frame_over_model_only only where the player ran onnxruntime-web as the model-only rows do; readback = bytes of every GPUBuffer.mapAsync(READ) in the page / frames.',
      results,
    };
    writeResults(ROOT, env.BENCH_OUT ?? path.join(ROOT, 'bench/results', `${machine}-${date.slice(0, 10)}.json`), doc, t0, log);
    console.log('\nkind        backend precision input      lens  model_ms   frame_ms  overhead  own passes  readback B/frame  export fps (live) / lens side held at 60 fps');
    for (const r of results) {
      const lens = r.kind === 'lens' ? (r.lens_side ? `${r.lens?.region.width ?? '?'}` : 'all') : '-';
      const exp = r.kind === 'export' ? `${r.export_fps} (${r.live_fps})` : r.lens_side_held_60fps != null ? `held side ${r.lens_side_held_60fps}` : '-';
      console.log(`${r.kind.padEnd(11)} ${String(r.backend).padEnd(7)} ${String(r.precision).padEnd(9)} ${String(r.input?.join('x') ?? '-').padEnd(9)} ${lens.padStart(5)} ${String(r.model_ms ?? '-').padStart(9)} ${String(r.frame_ms ?? '-').padStart(10)} ${String(r.overhead != null ? (r.overhead * 100).toFixed(1) + '%' : '-').padStart(9)} ${String(r.passes_over_model != null ? (r.passes_over_model * 100).toFixed(1) + '%' : '-').padStart(11)} ${String(r.readback_bytes_per_frame ?? '-').padStart(17)}  ${exp}${r.error ? '  ' + r.error.slice(0, 80) : ''}`);
    }
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
