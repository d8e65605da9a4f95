// The WGSL engine (src/engine/inference/wgsl) next to onnxruntime-web's WebGPU EP, in one page of
// headless Chromium, on one device, on the same input buffer: both outputs are read back and
// compared (max abs diff), then each engine is timed: median over frames of
// run() + queue.onSubmittedWorkDone(), after warm-up, IO on the GPU (ORT: the player's ModelRunner,
// Tensor.fromGpuBuffer in, gpu-buffer out). Writes bench/results/<machine>-wgsl-engine-<date>.json
// in the results schema every benchmark writes (frame_ms is null: no player pipeline here) and
// prints a table. Asserts nothing about speed. On a machine without a GPU this is SwiftShader (software WebGPU): its times
// say little about a real GPU.
//
//   node bench/wgsl-engine.mjs                      Chromium (the player's runtime)
//   node bench/wgsl-engine.mjs --dawn [dawn.node]   Dawn for Node instead of a browser: what a GPU
//        machine without a display runs; or the same under Deno's WebGPU (wgpu), e.g. on lavapipe:
//   deno run --unstable-webgpu -A bench/wgsl-engine.mjs --bundle FILE   (bench/lavapipe.sh does it)
//        Both outside a browser run the player's own code from the bundle (bench/lib/bundle.mjs) through
//        the one set-up bench/lib/webgpu.mjs: its device (createGpu), its runners (ModelRunner,
//        WgslRunner). Also checks fp16 where the adapter has shader-f16: the fp16 engine against
//        ORT-web fp16 and against the fp32 output (PSNR). Options: --ort DIR (holds
//        ort-wasm-simd-threaded.asyncify.wasm; default node_modules/onnxruntime-web/dist), --bundle FILE
//        (the player bundle; default under Node: built now with Vite), --models DIR (default models/).
// env: BENCH_SIZES=16,32 BENCH_MODEL=sr4x-c32 BENCH_DTYPES=fp32[,fp16] BENCH_FRAMES=7 BENCH_PX=0 (0: the engine's default blocking; e.g. 0,2,8 to compare)
//      BENCH_MACHINE=name BENCH_OUT=path BENCH_HEADED_GPU=1 (no SwiftShader flags: a real GPU)
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowser } from './lib/browser.mjs';
import { loadBundle, loadModel, ortRunner, playerGpu, runtime, runtimeVersion, setupOrt, wgslRunner } from './lib/webgpu.mjs';
import { runInfo, writeResults } from './lib/results.mjs';
import { median, rng } from '../src/engine/metrics/sample.mjs';
import { cpuMs, list, makeOpt, r3 } from './lib/util.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const SIZES = list(env.BENCH_SIZES, '16,32').map(Number);
const DTYPES = list(env.BENCH_DTYPES, 'fp32,fp16');
const MODEL = env.BENCH_MODEL ?? 'sr4x-c32';
const FRAMES = Number(env.BENCH_FRAMES ?? 7);
const PXS = list(env.BENCH_PX, '0').map(Number); // 0: the engine's default
const log = (...a) => console.log('[wgsl-bench]', ...a);
const opt = makeOpt(process.argv.slice(2));

// The page: both engines as the player runs them (onnxruntime-web through its configureOrt and
// ModelRunner, the WGSL engine), from source.
const HARNESS = `<!doctype html><meta charset="utf-8"><title>wgsl engine bench</title>
<script type="module">
import { configureOrt, ModelRunner, ortVersions, pageThreads } from '/src/engine/inference/index.ts';
import { WgslRunner } from '/src/engine/inference/wgsl/index.ts';
import { createGpu } from '/src/engine/gpu/device.ts';
import { readBuffer } from '/src/engine/gpu/resources.ts';
import { f32ToF16Bits, halfToFloat } from '/src/engine/gpu/half.ts';
import { activationSlope } from '/src/engine/inference/wgsl/layout.ts';
import { median, rng } from '/src/engine/metrics/sample.mjs';
configureOrt(new URL('/ort/', location.href).href, pageThreads());
let gpuP = null;
window.benchWgsl = async ({ modelId, dtype, sizes, frames, pxs }) => {
  const g = await (gpuP ??= createGpu());
  const device = g.device;
  if (dtype === 'fp16' && !g.f16) return { skipped: 'adapter has no shader-f16', adapter: g.description };
  const manifest = await (await fetch('/models/manifest.json')).json();
  const m = manifest.models.find((x) => x.id === modelId);
  const ortR = await ModelRunner.create('webgpu', dtype, device, { full: m[dtype], low: null }, async (f) => new Uint8Array(await (await fetch('/models/' + f)).arrayBuffer()));
  const runners = [], weights = await (await fetch('/models/' + m.weights.file)).arrayBuffer();
  for (const px of pxs) runners.push({ px, r: await WgslRunner.create(device, dtype, weights, m.weights.convs, activationSlope(m.weights.act, m.weights.slope), px ? { px } : {}) });
  const time = async (once) => {
    for (let i = 0; i < 2; i++) await once(); // warm-up
    const ts = [];
    for (let i = 0; i < frames; i++) { const t = performance.now(); await once(); ts.push(performance.now() - t); }
    return { median: median(ts), min: Math.min(...ts), n: ts.length };
  };
  const rows = [];
  for (const S of sizes) {
    const rnd = rng(7), n = 3 * S * S;
    const host = dtype === 'fp16' ? Uint16Array.from({ length: n }, () => f32ToF16Bits(rnd())) : Float32Array.from({ length: n }, rnd);
    const input = device.createBuffer({ label: 'bench input', size: Math.ceil(host.byteLength / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(input, 0, host);
    const outBytes = 48 * S * S * (dtype === 'fp16' ? 2 : 4);
    const values = (buf) => (dtype === 'fp16' ? halfToFloat(new Uint16Array(buf)) : new Float32Array(buf));
    const output = async (r) => { const o = await r.run('full', input, S, S); try { return values(await readBuffer(device, o.buffer, outBytes)); } finally { o.release(); } };
    const timed = (r) => time(async () => { const o = await r.run('full', input, S, S); await device.queue.onSubmittedWorkDone(); o.release(); });
    const ref = await output(ortR);
    rows.push({ engine: 'onnxruntime-web', S, ...(await timed(ortR)) });
    for (const { px, r } of runners) {
      const got = await output(r);
      let diff = 0; for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(got[i] - ref[i]));
      rows.push({ engine: 'wgsl', px: px ?? null, S, ...(await timed(r)), maxAbsDiffVsOrt: diff });
    }
    input.destroy();
  }
  for (const { r } of runners) r.dispose();
  await ortR.dispose();
  return { adapter: g.description, f16: g.f16, ort: ortVersions(), crossOriginIsolated: globalThis.crossOriginIsolated, rows };
};
window.benchReady = true;
</script>`;

async function browserMain() {
  const t0 = Date.now();
  const { base, browser, close } = await startBrowser(ROOT, { port: 5292, server: { hmr: false, ws: false }, optimizeDeps: { noDiscovery: true, include: [] } });
  const results = [];
  let adapter = null, ortVersions = null, coi = null;
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => log('pageerror', e.message));
    page.on('console', (m) => m.type() === 'error' && !/vite|WebSocket/i.test(m.text()) && log('console', m.text()));
    await page.route(`${base}/__wgsl-bench.html`, (r) => r.fulfill({
      contentType: 'text/html', body: HARNESS,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    }));
    await page.goto(`${base}/__wgsl-bench.html`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 120_000 });
    for (const dtype of DTYPES) {
      log(`${MODEL} ${dtype}, sizes ${SIZES.join(',')}, ${FRAMES} frames after 2 warm-up ...`);
      const r = await page.evaluate((o) => window.benchWgsl(o), { modelId: MODEL, dtype, sizes: SIZES, frames: FRAMES, pxs: PXS.map((p) => p || null) })
        .catch((e) => ({ error: String(e.message ?? e) }));
      if (r.error || r.skipped) {
        log(`  ${r.error ? 'error' : 'skipped'}: ${r.error ?? r.skipped}`);
        results.push({ engine: 'wgsl', backend: 'webgpu', precision: dtype, input: null, model_ms: null, frame_ms: null, status: r.error ? 'error' : 'skipped', note: r.error ?? r.skipped });
        adapter ??= r.adapter ?? null;
        continue;
      }
      adapter = r.adapter; ortVersions = r.ort; coi = r.crossOriginIsolated;
      for (const row of r.rows) {
        const out = { engine: row.engine === 'wgsl' ? 'wgsl-engine' : 'onnxruntime-web', backend: 'webgpu', precision: dtype, input: [row.S, row.S],
          model_ms: r3(row.median), frame_ms: null, min_ms: r3(row.min), frames: row.n, model: MODEL, status: 'ok' };
        if (row.engine === 'wgsl') Object.assign(out, { px: row.px, max_abs_diff_vs_ort: row.maxAbsDiffVsOrt });
        results.push(out);
        log(`  ${out.engine.padEnd(16)} ${dtype} ${row.S}x${row.S}${row.engine === 'wgsl' ? ` px=${row.px ?? 'default'}` : ''}: median ${out.model_ms} ms (min ${out.min_ms}, n=${row.n})${row.engine === 'wgsl' ? `, max |wgsl - ort| ${row.maxAbsDiffVsOrt.toExponential(2)}` : ''}`);
      }
    }
  } finally {
    const version = browser.version();
    await close();
    writeDoc(t0, { chromium: version, 'onnxruntime-web': ortVersions?.web ?? null }, adapter, coi,
      'model-only, one page, one device, the same input buffer: model_ms = median over frames of run() + queue.onSubmittedWorkDone() after 2 warm-up runs (ORT: the player\'s ModelRunner.run, Tensor.fromGpuBuffer in, gpu-buffer out; WGSL engine: WgslRunner.run, full path). frame_ms null: no player pipeline. max_abs_diff_vs_ort: the two engines\' outputs on that input. Software WebGPU (SwiftShader) times say little about real GPUs.',
      results);
  }
}

function writeDoc(t0, versions, adapter, coi, method, results) {
  const { machine, date, cpu, commit, gpu, pkg } = runInfo(ROOT, adapter);
  const doc = {
    machine, gpu, date,
    versions: { node: process.version, vite: pkg('vite'), playwright: pkg('@playwright/test'), webgpu_npm: pkg('webgpu'), commit, ...versions, 'onnxruntime-web': versions['onnxruntime-web'] ?? pkg('onnxruntime-web') },
    cpu, load_avg_at_end_1_5_15: os.loadavg().map((x) => Math.round(x * 100) / 100), adapter, cross_origin_isolated: coi,
    method,
    results,
  };
  writeResults(ROOT, env.BENCH_OUT ?? path.join(ROOT, 'bench/results', `${machine}-wgsl-engine${versions.dawn ? '-dawn' : versions.deno ? '-deno' : ''}-${date.slice(0, 10)}.json`), doc, t0, log);
}

// ------------------------------------------------------------------ outside a browser: Dawn for Node or Deno

const maxAbs = (a, b) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };

async function nativeMain() {
  const t0 = Date.now();
  const dawnPath = runtime === 'node' ? path.resolve(typeof opt('dawn') === 'string' ? opt('dawn') : path.join(ROOT, 'node_modules/webgpu/dist/linux-x64/dawn.node')) : null;
  const ortDir = path.resolve(opt('ort', path.join(ROOT, 'node_modules/onnxruntime-web/dist')));
  const modelsDir = path.resolve(opt('models', path.join(ROOT, 'models')));
  const bundleOpt = opt('bundle', opt('engine'));
  let bundlePath = typeof bundleOpt === 'string' ? path.resolve(bundleOpt) : null;
  if (!bundlePath) {
    if (runtime !== 'node') throw new Error('give --bundle FILE (node bench/lib/bundle.mjs FILE builds it)');
    bundlePath = await (await import('./lib/bundle.mjs')).buildBundle(path.join(os.tmpdir(), `sr4x-bundle-${process.pid}`, 'player.bundle.mjs'));
  }
  const b = await loadBundle(bundlePath);
  const { device, f16, desc } = await playerGpu(b, { dawn: dawnPath });
  log(`${runtimeVersion()} adapter: ${desc} (shader-f16: ${f16})`);
  const { f32ToF16Bits, halfToFloat, psnrDb: psnr, readBuffer } = b;
  const ort = setupOrt(b, ortDir);
  const { m, weights } = loadModel(modelsDir, MODEL);
  const backend = runtime === 'deno' ? 'webgpu-deno-wgpu' : 'webgpu-dawn-node';
  const read = async (buf, bytes, dtype) => {
    const a = await readBuffer(device, buf, bytes);
    return dtype === 'fp16' ? halfToFloat(new Uint16Array(a)) : new Float32Array(a);
  };
  const time = async (once) => {
    for (let i = 0; i < 2; i++) await once();
    const ts = [], c0 = cpuMs();
    for (let i = 0; i < FRAMES; i++) { const t = performance.now(); await once(); ts.push(performance.now() - t); }
    const c1 = cpuMs();
    return { median: median(ts), min: Math.min(...ts), n: ts.length, cpu: c0 == null ? null : (c1 - c0) / ts.length };
  };
  /** run() + onSubmittedWorkDone, as the player's auto pick times an engine */
  const runOnce = (r, input, S) => async () => { const o = await r.run('full', input, S, S); await device.queue.onSubmittedWorkDone(); o.release(); };
  const results = [];
  const fp32Out = new Map(); // size -> ORT fp32 output, the reference for fp16
  for (const dtype of DTYPES) {
    if (dtype === 'fp16' && !f16) { log('fp16: adapter has no shader-f16, skipped'); results.push({ engine: 'wgsl-engine', backend, precision: 'fp16', input: null, model_ms: null, frame_ms: null, status: 'skipped', note: 'no shader-f16' }); continue; }
    const ortR = await ortRunner(b, device, modelsDir, m, dtype);
    const runners = [];
    for (const px of PXS) runners.push({ px: px || null, r: await wgslRunner(b, device, m, weights, dtype, px ? { px } : {}) });
    for (const S of SIZES) {
      const rnd = rng(7), n = 3 * S * S;
      const host = dtype === 'fp16' ? Uint16Array.from({ length: n }, () => f32ToF16Bits(rnd())) : Float32Array.from({ length: n }, rnd);
      const input = device.createBuffer({ size: Math.ceil(host.byteLength / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(input, 0, host);
      const outBytes = 48 * S * S * (dtype === 'fp16' ? 2 : 4);
      const o = await ortR.run('full', input, S, S);
      const ref = await read(o.buffer, outBytes, dtype);
      o.release();
      if (dtype === 'fp32') fp32Out.set(S, ref);
      const ortT = await time(runOnce(ortR, input, S));
      const base = { backend, precision: dtype, input: [S, S], frame_ms: null, model: MODEL, channels: m.channels, status: 'ok' };
      results.push({ engine: 'onnxruntime-web', ...base, model_ms: r3(ortT.median), min_ms: r3(ortT.min), cpu_ms: r3(ortT.cpu), frames: ortT.n, psnr_vs_ort_fp32: dtype === 'fp16' && fp32Out.has(S) ? r3(psnr(ref, fp32Out.get(S))) : undefined });
      log(`  onnxruntime-web  ${dtype} ${S}x${S}: median ${r3(ortT.median)} ms (min ${r3(ortT.min)}, n=${ortT.n}; CPU ${r3(ortT.cpu)} ms per run)`);
      for (const { px, r } of runners) {
        const w = await r.run('full', input, S, S);
        const got = await read(w.buffer, outBytes, dtype);
        w.release();
        const t = await time(runOnce(r, input, S));
        const row = { engine: 'wgsl-engine', ...base, px, model_ms: r3(t.median), min_ms: r3(t.min), cpu_ms: r3(t.cpu), frames: t.n, max_abs_diff_vs_ort: maxAbs(got, ref), psnr_vs_ort: r3(psnr(got, ref)) };
        if (dtype === 'fp16' && fp32Out.has(S)) row.psnr_vs_ort_fp32 = r3(psnr(got, fp32Out.get(S)));
        results.push(row);
        log(`  wgsl-engine      ${dtype} ${S}x${S} px=${px ?? 'default'}: median ${row.model_ms} ms (min ${row.min_ms}, n=${t.n}; CPU ${row.cpu_ms} ms per run), max |wgsl - ort| ${row.max_abs_diff_vs_ort.toExponential(2)}${row.psnr_vs_ort_fp32 != null ? `, PSNR vs ORT fp32 ${row.psnr_vs_ort_fp32} dB` : ''}`);
      }
      input.destroy();
    }
    for (const { r } of runners) await r.dispose();
    await ortR.dispose();
  }
  const rt = runtime === 'deno' ? { deno: globalThis.Deno.version.deno } : { dawn: path.basename(dawnPath) };
  writeDoc(t0, { ...rt, 'onnxruntime-web': ort.env.versions?.web ?? null }, desc, null,
    `model-only under ${runtime === 'deno' ? 'Deno (wgpu)' : 'Dawn for Node'} on the player's device (createGpu), the same input buffer: model_ms = median over frames of run() + queue.onSubmittedWorkDone() after 2 warm-up runs (the player's runners from the bundle: ModelRunner, onnxruntime-web WebGPU EP with IO on the GPU; WgslRunner, full path). frame_ms null: no player pipeline. max_abs_diff_vs_ort / psnr_vs_ort: against ORT-web of the same precision on that input; psnr_vs_ort_fp32: an fp16 output against ORT-web fp32 (outputs clamped to [0,1]). cpu_ms: this process's CPU time (all threads) per timed run, from /proc/self/stat: on a software adapter the work itself, steady while other jobs share the cores. Software adapters (SwiftShader, lavapipe) say little about real GPUs.`,
    results);
}

const main = opt('dawn') || runtime === 'deno' ? nativeMain : browserMain;
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
