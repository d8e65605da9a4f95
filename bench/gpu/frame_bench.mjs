// The player's whole frame path on the GPU machine, which has no browser: Dawn for Node, the
// player's own frame resources (src/engine/frame.ts: pack, unpack, consistency-PSNR passes, GPU
// timer) and PresentPass (drawing into 1920x1080 textures that stand in for the two canvases), with
// each engine as the model (our WGSL engine, onnxruntime-web's WebGPU EP), driven as the engine's
// loop drives them: the next frame is queued while the GPU works, at most two frames in flight.
// Per engine and precision it prints and writes: model_ms (GPU timestamps, median), model_only_ms
// (the runner alone: run + onSubmittedWorkDone, median), frame_ms (wall time / frames: the
// throughput that the 60 fps target is about), latency_ms (frame start to GPU done, median) and
// overhead = frame_ms / model_only_ms - 1. Not in it: video decode (the browser's hardware
// decoder); the upload is a texture copy, as copyExternalImageToTexture of a GPU VideoFrame is.
// The model alone is timed over min(frames, 30) runs (at least 5). The results file is rewritten
// after each row, so a run cut short by its timeout keeps what it measured.
//   node bench/gpu/frame_bench.mjs --dawn DAWN_NODE --ort DIR --bundle FILE [--models models] [--model sr4x-c32]
//        [--size 1024] [--frames 60] [--out file.json]    (bench/gpu/run.sh runs it; FILE from pack.sh)
//   env: BENCH_MACHINE=name (default <hostname>-<n>cpu)
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dawnDevice, loadModel, loadOrt, ortSession } from '../lib/dawn.mjs';
import { runInfo, writeResults } from '../lib/results.mjs';
import { makeOpt, median, r3 } from '../lib/util.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const opt = makeOpt(process.argv.slice(2));
const S = Number(opt('size', 1024)), FRAMES = Number(opt('frames', 60)), MODEL = opt('model', 'sr4x-c32');
const log = (...a) => console.log('[frame-bench]', ...a);

const { device, f16, desc } = await dawnDevice(path.resolve(opt('dawn')));
log(`adapter: ${desc} (shader-f16: ${f16}, timestamp-query: ${device.features.has('timestamp-query')})`);
const { WgslRunner, Resources, PresentPass, psnrFromSse, activationSlope } = await import(pathToFileURL(path.resolve(opt('bundle'))).href);
const ort = await loadOrt(path.resolve(opt('ort')));
const modelsDir = path.resolve(opt('models', 'models'));
const { m, weights } = loadModel(modelsDir, MODEL);

/** A texture standing in for a canvas: what PresentPass draws into on a page. */
function offscreenCanvas(w, h) {
  const tex = device.createTexture({ size: [w, h], format: navigator.gpu.getPreferredCanvasFormat(), usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC });
  return { width: w, height: h, tex, getContext: () => ({ configure() {}, unconfigure() {}, getCurrentTexture: () => tex }) };
}

/** Smooth gradients plus noise (the model's cost does not depend on the picture; the PSNR does: on
 *  the gradients alone, downscale(model(x)) rounds back to x exactly and the PSNR is infinite). */
function sourceFrame() {
  const px = new Uint8Array(S * S * 4);
  let st = 7;
  const noise = () => ((st = (st * 1664525 + 1013904223) >>> 0) / 4294967296 - 0.5) * 60;
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const i = (y * S + x) * 4, u = x / S, v = y / S;
    px[i] = 128 + 90 * Math.sin(9 * u + 4 * v) + noise(); px[i + 1] = 128 + 80 * Math.cos(7 * v - 3 * u * v) + noise(); px[i + 2] = 200 * u * v + noise(); px[i + 3] = 255;
  }
  const tex = device.createTexture({ size: [S, S], format: 'rgba8unorm', usage: GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST | GPUTextureUsage.TEXTURE_BINDING });
  device.queue.writeTexture({ texture: tex }, px, { bytesPerRow: S * 4 }, [S, S]);
  return tex;
}

async function ortRunner(dtype) {
  const s = await ortSession(ort, device, modelsDir, m, dtype);
  return {
    run: async (_which, input, w, h) => {
      const r = await s.run({ input: ort.Tensor.fromGpuBuffer(input, { dataType: dtype === 'fp16' ? 'float16' : 'float32', dims: [1, 3, h, w] }) });
      return { buffer: r.output.gpuBuffer, release: () => r.output.dispose() };
    },
    dispose: () => s.release(),
  };
}

async function bench(name, runner, dtype, src) {
  const res = new Resources(device, S, S, 'consistency', dtype);
  const orig = new PresentPass(device, offscreenCanvas(1920, 1080), 'nearest');
  const up = new PresentPass(device, offscreenCanvas(1920, 1080), 'linear');
  const view = { zoom: 1, cx: 0.5, cy: 0.5 };
  const model = [], lat = [], psnr = [];
  let held = null, inflight = null;
  const frame = async () => {
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    enc.copyTextureToTexture({ texture: src }, { texture: res.upload.output }, [S, S]);
    res.encodeIn(enc);
    const span = res.timer?.begin(enc) ?? null;
    device.queue.submit([enc.finish()]);
    const out = await runner.run('full', res.pack.output, S, S);
    const enc2 = device.createCommandEncoder();
    span?.end(enc2);
    const after = res.encodeOut(enc2, out.buffer, null, 'full', 1, true);
    orig.encode(enc2, res.input, view);
    up.encode(enc2, res.out8, view);
    device.queue.submit([enc2.finish()]);
    after?.((sums) => psnr.push(psnrFromSse(sums[0], res.sse[0].count)));
    span?.read((ms) => model.push(ms));
    held?.release(); // the previous frame's output: the loop keeps one on screen
    held = out;
    const done = device.queue.onSubmittedWorkDone().then(() => lat.push(performance.now() - t0));
    const before = inflight;
    inflight = done;
    if (before) await before;
  };
  for (let i = 0; i < 3; i++) await frame(); // warm-up: pipelines, allocations
  await inflight;
  model.length = lat.length = 0;
  const t = performance.now();
  for (let i = 0; i < FRAMES; i++) await frame();
  await inflight;
  const frameMs = (performance.now() - t) / FRAMES;
  held?.release();
  // the model alone, same runner, same input
  const only = [];
  for (let i = 0; i < Math.max(5, Math.min(FRAMES, 30)); i++) {
    const t1 = performance.now();
    const o = await runner.run('full', res.pack.output, S, S);
    await device.queue.onSubmittedWorkDone();
    only.push(performance.now() - t1);
    o.release();
  }
  await new Promise((r) => setTimeout(r, 50)); // the last timestamp / PSNR read-backs
  const row = { engine: 'player-frame-path', model_engine: name, backend: 'webgpu-dawn-node', precision: dtype, input: [S, S], model: MODEL,
    model_ms: r3(median(model)), model_only_ms: r3(median(only)), frame_ms: r3(frameMs), latency_ms: r3(median(lat)),
    overhead: r3(frameMs / median(only) - 1), psnr_consistency_db: r3(median(psnr)), frames: FRAMES, model_clock: res.timer ? 'gpu' : 'none', status: 'ok' };
  log(`${name.padEnd(15)} ${dtype} ${S}x${S}: frame ${row.frame_ms} ms (${(1000 / frameMs).toFixed(1)} fps), model ${row.model_ms} ms on the GPU clock, model alone ${row.model_only_ms} ms, overhead ${(row.overhead * 100).toFixed(1)}%, latency ${row.latency_ms} ms, consistency PSNR ${row.psnr_consistency_db} dB`);
  res.dispose(); orig.dispose(); up.dispose();
  return row;
}

const t0 = Date.now();
const src = sourceFrame();
const { machine, date, cpu, commit, gpu } = runInfo(ROOT, desc);
const doc = { machine, gpu, date, cpu, versions: { node: process.version, 'onnxruntime-web': ort.env.versions?.web ?? null, dawn: path.basename(opt('dawn')), commit },
  method: 'frame path under Dawn for Node: texture copy (upload) -> pack -> model -> unpack -> consistency PSNR (downscale + SSE) -> two PresentPass draws into 1920x1080 textures; 32 bytes read back per frame (PSNR sums, GPU timestamps); at most two frames in flight, as in the player. frame_ms = wall / frames; model_ms = GPU timestamps between pack and unpack; model_only_ms = run + onSubmittedWorkDone; overhead = frame_ms / model_only_ms - 1. No video decode.',
  results: [] };
const slope = activationSlope(m.weights.act, m.weights.slope);
for (const dtype of f16 ? ['fp16', 'fp32'] : ['fp32']) {
  for (const [name, make] of [['wgsl', () => WgslRunner.create(device, dtype, weights, m.weights.convs, slope)], ['onnxruntime-web', () => ortRunner(dtype)]]) {
    try {
      const r = await make();
      doc.results.push(await bench(name, r, dtype, src));
      await r.dispose();
    } catch (e) {
      log(`${name} ${dtype}: ${e.message}`);
      doc.results.push({ engine: 'player-frame-path', model_engine: name, backend: 'webgpu-dawn-node', precision: dtype, input: [S, S], model: MODEL, model_ms: null, frame_ms: null, status: 'error', error: String(e.message).slice(0, 300) });
    }
    if (typeof opt('out') === 'string') writeResults(ROOT, path.resolve(opt('out')), doc, t0, log);
  }
}
process.exit(0);
