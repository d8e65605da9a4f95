// The player's whole frame path outside a browser: the player's own GpuFrameProcessor
// (src/engine/pipeline/gpu.ts, from the bundle) on the player's own device (createGpu), drawing into
// two 1920x1080 textures that stand in for the canvases, with each engine as the model (our WGSL
// engine, onnxruntime-web's WebGPU EP: the player's runners), driven as the player's loop drives it:
// process() returns once the previous frame is done, so the next frame is queued while the GPU works
// (at most two in flight). Under Dawn for Node (the GPU machine) or Deno (wgpu, e.g. on lavapipe).
// Per engine and precision it prints and writes: model_ms (GPU timestamps, median; the queue wait
// where there is no timestamp-query), model_only_ms (the runner alone: run + onSubmittedWorkDone,
// median), frame_ms (wall time / frames: the throughput that the 60 fps target is about),
// latency_ms (frame start to GPU done, median) and overhead = frame_ms / model_only_ms - 1. Not in
// it: video decode (the browser's hardware decoder); the frame is a GPU texture, copied in as
// copyExternalImageToTexture copies a GPU VideoFrame. The model alone is timed over
// min(frames, 30) runs (at least 5) on the same packed input. The results file is rewritten after
// each row, so a run cut short by its timeout keeps what it measured.
//   node bench/gpu/frame_bench.mjs --dawn DAWN_NODE --ort DIR --bundle FILE [--models models] [--model sr4x-c32]
//        [--size 1024] [--frames 60] [--dtypes fp16,fp32] [--export 0] [--out file.json]    (bench/gpu/run.sh runs it; FILE from pack.sh)
// Also, unless --export 0, the export's per-frame path: rows with path 'export' (see benchExport).
//   deno run --unstable-webgpu -A bench/gpu/frame_bench.mjs --bundle FILE ...   (bench/lavapipe.sh)
//   env: BENCH_MACHINE=name (default <hostname>-<n>cpu)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { frameProcessor, loadBundle, loadModel, ortRunner, playerGpu, runtime, runtimeVersion, setupOrt, wgslRunner } from '../lib/webgpu.mjs';
import { runInfo, writeResults } from '../lib/results.mjs';
import { median, rng } from '../../src/engine/metrics/sample.mjs';
import { cpuMs, list, makeOpt, r3 } from '../lib/util.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const opt = makeOpt(process.argv.slice(2));
const S = Number(opt('size', 1024)), FRAMES = Number(opt('frames', 60)), MODEL = opt('model', 'sr4x-c32');
const EXPORT = String(opt('export', '1')) !== '0';
const log = (...a) => console.log('[frame-bench]', ...a);

const b = await loadBundle(opt('bundle'));
const { device, f16, desc } = await playerGpu(b, { dawn: typeof opt('dawn') === 'string' ? opt('dawn') : undefined });
log(`${runtimeVersion()} adapter: ${desc} (shader-f16: ${f16}, timestamp-query: ${device.features.has('timestamp-query')})`);
const ort = setupOrt(b, path.resolve(opt('ort', path.join(ROOT, 'node_modules/onnxruntime-web/dist'))));
const modelsDir = path.resolve(opt('models', 'models'));
const { m, weights } = loadModel(modelsDir, MODEL);
const backend = runtime === 'deno' ? 'webgpu-deno-wgpu' : 'webgpu-dawn-node';

/** A texture standing in for a canvas: what PresentPass draws into on a page. */
function offscreenCanvas(w, h) {
  const tex = device.createTexture({ size: [w, h], format: navigator.gpu.getPreferredCanvasFormat(), usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC });
  return { width: w, height: h, tex, getContext: () => ({ configure() {}, unconfigure() {}, getCurrentTexture: () => tex }) };
}

/** Smooth gradients plus noise (the model's cost does not depend on the picture; the PSNR does: on
 *  the gradients alone, downscale(model(x)) rounds back to x exactly and the PSNR is infinite). */
function sourcePixels() {
  const px = new Uint8Array(S * S * 4);
  const r = rng(7), noise = () => (r() - 0.5) * 60;
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const i = (y * S + x) * 4, u = x / S, v = y / S;
    px[i] = 128 + 90 * Math.sin(9 * u + 4 * v) + noise(); px[i + 1] = 128 + 80 * Math.cos(7 * v - 3 * u * v) + noise(); px[i + 2] = 200 * u * v + noise(); px[i + 3] = 255;
  }
  return px;
}

/** The frame on the GPU (what a decoded VideoFrame is), and the same pixels as the model's packed
 *  input for timing the model alone (NCHW, /255, as the pack pass writes it). */
function sources(px, dtype) {
  const tex = device.createTexture({ size: [S, S], format: 'rgba8unorm', usage: GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST | GPUTextureUsage.TEXTURE_BINDING });
  device.queue.writeTexture({ texture: tex }, px, { bytesPerRow: S * 4 }, [S, S]);
  const n = S * S, t = dtype === 'fp16' ? new Uint16Array(3 * n) : new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) t[c * n + i] = dtype === 'fp16' ? b.f32ToF16Bits(px[4 * i + c] / 255) : px[4 * i + c] / 255;
  const input = device.createBuffer({ size: Math.ceil(t.byteLength / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(input, 0, t);
  return { tex, input };
}

async function bench(name, runner, dtype, src) {
  const targets = { original: offscreenCanvas(1920, 1080), upscaled: offscreenCanvas(1920, 1080), viewport: { zoom: 1, cx: 0.5, cy: 0.5 } };
  const proc = frameProcessor(b, device, runner, targets);
  const settings = { view: 'full', gain: 1, psnr: 'consistency' };
  const model = [], lat = [], psnr = [];
  let clock = null, last = null; // the last frame's `done`: every frame before it is done too
  const frame = async (i) => {
    const t0 = performance.now();
    const r = await proc.process({ frame: src.tex, close() {} }, { frameIndex: i, timestamp: i / 60 }, settings);
    clock ??= proc.modelClock;
    r.modelMs.then((ms) => ms != null && model.push(ms));
    r.psnr.then((p) => p && psnr.push(p.model));
    r.done.then(() => lat.push(performance.now() - t0));
    last = r.done;
  };
  for (let i = 0; i < 3; i++) await frame(i); // warm-up: pipelines, allocations
  await last;
  await new Promise((r) => setTimeout(r, 50));
  model.length = lat.length = 0;
  const t = performance.now(), c0 = cpuMs();
  for (let i = 0; i < FRAMES; i++) await frame(3 + i);
  await last;
  const frameMs = (performance.now() - t) / FRAMES, c1 = cpuMs();
  // the model alone, same runner, same input
  const only = [];
  for (let i = 0; i < Math.max(5, Math.min(FRAMES, 30)); i++) {
    const t1 = performance.now();
    const o = await runner.run('full', src.input, S, S);
    await device.queue.onSubmittedWorkDone();
    only.push(performance.now() - t1);
    o.release();
  }
  const c2 = cpuMs();
  const cpu = c0 == null ? {} : { cpu_frame_ms: r3((c1 - c0) / FRAMES), cpu_model_only_ms: r3((c2 - c1) / only.length) };
  await new Promise((r) => setTimeout(r, 50)); // the last timestamp / PSNR read-backs
  const row = { engine: 'player-frame-path', model_engine: name, backend, precision: dtype, input: [S, S], model: MODEL,
    model_ms: r3(median(model)), model_only_ms: r3(median(only)), frame_ms: r3(frameMs), latency_ms: r3(median(lat)),
    overhead: r3(frameMs / median(only) - 1), psnr_consistency_db: r3(median(psnr)), frames: FRAMES, model_clock: clock === 'queue' ? 'none' : clock, ...cpu, status: 'ok' };
  log(`${name.padEnd(15)} ${dtype} ${S}x${S}: frame ${row.frame_ms} ms (${(1000 / frameMs).toFixed(1)} fps), model ${row.model_ms} ms on the ${clock === 'gpu' ? 'GPU clock' : 'queue wait'}, model alone ${row.model_only_ms} ms, overhead ${(row.overhead * 100).toFixed(1)}%, latency ${row.latency_ms} ms, consistency PSNR ${row.psnr_consistency_db} dB`);
  proc.dispose();
  for (const c of [targets.original, targets.upscaled]) c.tex.destroy();
  return row;
}

/** The export's per-frame path (src/engine/export/run.ts): process() with no PSNR and no display,
 *  one frame at a time (the export snapshots each frame's output before the next). The snapshot
 *  itself (out8 into a canvas, transferToImageBitmap, new VideoFrame) and the encoder are
 *  browser-only and not in it. */
async function benchExport(name, runner, dtype, src, modelOnly) {
  const proc = frameProcessor(b, device, runner, null);
  const settings = { view: 'full', gain: 1, psnr: null };
  const ts = [], model = [];
  const n = Math.max(3, Math.min(FRAMES, 10));
  let c0 = null;
  for (let i = 0; i < 2 + n; i++) {
    if (i === 2) c0 = cpuMs();
    const t0 = performance.now();
    const r = await proc.process({ frame: src.tex, close() {} }, { frameIndex: i, timestamp: i / 60 }, settings);
    await r.done;
    const ms = await r.modelMs;
    if (i >= 2) { ts.push(performance.now() - t0); if (ms != null) model.push(ms); } // 2 warm-up frames
  }
  const c1 = cpuMs(), clock = proc.modelClock;
  proc.dispose();
  const frameMs = median(ts);
  const row = { engine: 'player-frame-path', path: 'export', model_engine: `${name} (export)`, backend, precision: dtype, input: [S, S], model: MODEL,
    model_ms: r3(median(model)), model_only_ms: modelOnly, frame_ms: r3(frameMs), latency_ms: r3(frameMs),
    overhead: modelOnly ? r3(frameMs / modelOnly - 1) : null, psnr_consistency_db: null, frames: n, model_clock: clock === 'queue' ? 'none' : clock, cpu_frame_ms: c0 == null ? undefined : r3((c1 - c0) / n), status: 'ok' };
  log(`${(name + ' export').padEnd(15)} ${dtype} ${S}x${S}: ${row.frame_ms} ms per frame (process without PSNR or display, then wait; no snapshot/encode), model ${row.model_ms} ms, overhead ${row.overhead != null ? (row.overhead * 100).toFixed(1) + '%' : '-'}`);
  return row;
}

const t0 = Date.now();
const px = sourcePixels();
const { machine, date, cpu, commit, gpu } = runInfo(ROOT, desc);
const rt = runtime === 'deno' ? { deno: globalThis.Deno.version.deno } : { node: process.version, dawn: path.basename(opt('dawn')) };
const doc = { machine, gpu, date, cpu, versions: { ...rt, 'onnxruntime-web': ort.env.versions?.web ?? null, commit },
  method: `the player's GpuFrameProcessor on the player's device (createGpu) under ${runtime === 'deno' ? 'Deno (wgpu)' : 'Dawn for Node'}: texture copy (upload) -> pack -> model -> unpack -> consistency PSNR (downscale + SSE) -> two PresentPass draws into 1920x1080 textures; 32 bytes read back per frame (PSNR sums, GPU timestamps); at most two frames in flight, as in the player. frame_ms = wall / frames; model_ms = GPU timestamps between pack and unpack; model_only_ms = run + onSubmittedWorkDone; overhead = frame_ms / model_only_ms - 1; cpu_frame_ms / cpu_model_only_ms: this process's CPU time (all threads, /proc/self/stat) per frame / per run: on a software adapter the work itself. No video decode.`,
  results: [] };
const dtypes = list(typeof opt('dtypes') === 'string' ? opt('dtypes') : undefined, f16 ? 'fp16,fp32' : 'fp32').filter((d) => d === 'fp32' || f16);
for (const dtype of dtypes) {
  const src = sources(px, dtype);
  for (const [name, make] of [['wgsl', () => wgslRunner(b, device, m, weights, dtype)], ['onnxruntime-web', () => ortRunner(b, device, modelsDir, m, dtype)]]) {
    try {
      const r = await make();
      const live = await bench(name, r, dtype, src);
      doc.results.push(live);
      if (EXPORT) doc.results.push(await benchExport(name, r, dtype, src, live.model_only_ms));
      await r.dispose();
    } catch (e) {
      log(`${name} ${dtype}: ${e.message}`);
      doc.results.push({ engine: 'player-frame-path', model_engine: name, backend, precision: dtype, input: [S, S], model: MODEL, model_ms: null, frame_ms: null, status: 'error', error: String(e.message).slice(0, 300) });
    }
    if (typeof opt('out') === 'string') writeResults(ROOT, path.resolve(opt('out')), doc, t0, log);
  }
  src.tex.destroy(); src.input.destroy();
}
process.exit(0);
