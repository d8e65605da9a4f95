// The Deno half of the FP16 test (tests/f16/f16.test.mjs starts it): Deno's WebGPU (wgpu) on Mesa's
// lavapipe, a software adapter with shader-f16. Through the player's own frame path from the bundle
// (createGpu -> GpuFrameProcessor: upload -> pack f16 -> model -> unpack), for every model of the
// job: each engine's FP16 path (ModelRunner: onnxruntime-web's WebGPU EP on the .fp16.onnx graph;
// WgslRunner: our f16 pipelines) on each image, then the auto pick (AutoRunner) on the first image;
// then the negative runs (corrupted FP16 weights for each engine, a sabotaged f16 shader, and the
// auto pick with each broken WGSL engine). It writes what came out (model output tensors as float32, the 8-bit
// output) and results-<job.name>.json into job.out, and judges nothing: the Node side compares with
// onnxruntime-node's FP32 output.
//   deno run --unstable-webgpu --no-config --allow-read --allow-write --allow-env tests/f16/deno_run.mjs JOB.json
import fs from 'node:fs';
import path from 'node:path';
import { frameProcessor, loadBundle, loadModel, ortRunner, playerGpu, runtimeVersion, setupOrt, wgslRunner } from '../../bench/lib/webgpu.mjs';

const job = JSON.parse(fs.readFileSync(Deno.args[0], 'utf8'));
const t0 = performance.now();
const log = (...a) => console.log(`[f16 ${job.name} ${((performance.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const b = await loadBundle(job.bundle);
const g = await playerGpu(b);
const { device } = g;
const info = g.adapter.info ?? {};
const result = {
  runtime: runtimeVersion(), adapter: g.desc, fallback: info.isFallbackAdapter ?? null, f16: g.f16,
  features: [...device.features].sort(), ort: null, runs: [], auto: [], negative: {}, seconds: {},
};
log(`adapter: ${g.desc} (shader-f16 ${g.f16}; device features ${result.features.join(', ')})`);
if (!g.f16) {
  fs.writeFileSync(path.join(job.out, `results-${job.name}.json`), JSON.stringify(result, null, 1));
  throw new Error(`the adapter (${g.desc}) has no shader-f16: the FP16 paths cannot run`);
}
const ort = setupOrt(b, job.ortDir);
result.ort = ort.env.versions?.web ?? null;

const images = job.images.map((im) => ({ ...im, rgba: new Uint8Array(fs.readFileSync(im.rgba)) }));
const settings = { view: 'low', gain: 1, psnr: 'consistency' }; // view low: the low model runs too
const write = (name, data) => fs.writeFileSync(path.join(job.out, name), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));

/** One frame of `im` through a new GpuFrameProcessor on `runner`; writes its outputs as `<tag>.*`. */
async function frame(runner, im, tag, { low = true } = {}) {
  const proc = frameProcessor(b, device, runner);
  try {
    const t = performance.now();
    const r = await proc.process({ frame: { width: im.width, height: im.height, rgba: im.rgba }, close() {} }, { frameIndex: 0, timestamp: 0 },
      low ? settings : { ...settings, view: 'full' });
    const psnr = await r.psnr;
    await r.done;
    const ms = performance.now() - t;
    const reads = proc.debug(); // the tests' read-backs
    const full = await reads.readTensor('full');
    write(`${tag}.full.f32`, full.data);
    if (low) write(`${tag}.low.f32`, (await reads.readTensor('low')).data);
    write(`${tag}.out8.rgba`, (await reads.readTexture('output')).rgba);
    return { tag, width: full.width, height: full.height, ms: Math.round(ms), consistency_psnr_db: psnr?.model ?? null };
  } finally {
    proc.dispose();
  }
}

const timed = async (key, fn) => {
  const t = performance.now();
  try { return await fn(); } finally { result.seconds[key] = Math.round(performance.now() - t) / 1000; }
};

for (const id of job.models) {
  const { m, weights } = loadModel(job.modelsDir, id);
  const runners = {
    wgsl: await timed(`${id} wgsl create`, () => wgslRunner(b, device, m, weights, 'fp16')),
    ort: await timed(`${id} ort create`, () => ortRunner(b, device, job.modelsDir, m, 'fp16')),
  };
  for (const [engine, r] of Object.entries(runners)) {
    if (r.dtype !== 'fp16') throw new Error(`${engine} runner is ${r.dtype}, not fp16`);
    for (const im of images) {
      const row = await timed(`${id} ${engine} ${im.name}`, () => frame(r, im, `${id}.${im.name}.${engine}`));
      result.runs.push({ model: id, engine, image: im.name, ...row });
      log(`${id} ${engine} fp16 ${im.name}: ${row.ms} ms`);
    }
  }
  // the pick, as the player makes it on its first frame: ORT is the reference, WGSL must agree
  let decision = null;
  const auto = new b.AutoRunner(device, runners.ort, runners.wgsl, (d) => (decision = d));
  const im = images[0];
  const row = await timed(`${id} auto`, () => frame(auto, im, `${id}.${im.name}.auto`, { low: false }));
  result.auto.push({ model: id, image: im.name, decision, engine: auto.engine, ...row });
  log(`${id} auto: ${JSON.stringify(decision)}`);
  await auto.dispose();
}

// ---- negative runs: the same checks must fail on these
const neg = job.negative;
if (neg) {
  const { m, weights } = loadModel(job.modelsDir, neg.model);
  const im = images.find((x) => x.name === neg.image);
  const tag = (k) => `neg.${k}`;
  // 1, 2. each corrupted FP16 weight (job.negative.corrupt: name -> { onnx, weights } files) in the
  // .fp16.onnx that onnxruntime-web runs, and in the weights the WGSL engine uploads as f16
  for (const [name, c] of Object.entries(neg.corrupt)) {
    const r = await ortRunner(b, device, job.modelsDir, m, 'fp16', { [m.fp16]: new Uint8Array(fs.readFileSync(c.onnx)) });
    result.negative[`onnx-${name}`] = await frame(r, im, tag(`onnx-${name}`), { low: false });
    await r.dispose();
    const raw = fs.readFileSync(c.weights);
    const wr = await wgslRunner(b, device, m, raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength), 'fp16');
    result.negative[`weights-${name}`] = await frame(wr, im, tag(`weights-${name}`), { low: false });
    // the auto pick with that engine: the agreement rule must keep onnxruntime-web
    let decision = null;
    const good = await ortRunner(b, device, job.modelsDir, m, 'fp16');
    const auto = new b.AutoRunner(device, good, wr, (d) => (decision = d));
    const row = await frame(auto, im, tag(`auto-${name}`), { low: false });
    result.negative[`auto-${name}`] = { decision, engine: auto.engine, ...row };
    await auto.dispose();
  }
  // 3. a sabotaged f16 shader: the engine's f16 WGSL with one edit, at createShaderModule
  {
    const orig = device.createShaderModule.bind(device);
    let edited = 0;
    device.createShaderModule = (d) => {
      if (!d.code.includes('enable f16;') || !d.code.includes(neg.shader.find)) return orig(d);
      edited++;
      return orig({ ...d, code: d.code.split(neg.shader.find).join(neg.shader.replace) });
    };
    let r;
    try { r = await wgslRunner(b, device, m, weights, 'fp16'); } finally { device.createShaderModule = orig; }
    result.negative.shader = { edited_modules: edited, ...(await frame(r, im, tag('shader'), { low: false })) };
    // 4. the auto pick with that engine: the agreement rule must keep onnxruntime-web
    let decision = null;
    const good = await ortRunner(b, device, job.modelsDir, m, 'fp16');
    const auto = new b.AutoRunner(device, good, r, (d) => (decision = d));
    const row = await frame(auto, im, tag('auto-shader'), { low: false });
    result.negative['auto-shader'] = { decision, engine: auto.engine, ...row };
    await auto.dispose();
  }
  log(`negative runs: ${JSON.stringify(Object.fromEntries(Object.entries(result.negative).map(([k, v]) => [k, v.ms])))} ms`);
}
result.seconds.total = Math.round(performance.now() - t0) / 1000;
result.agree_db = b.AGREE_DB;
fs.writeFileSync(path.join(job.out, `results-${job.name}.json`), JSON.stringify(result, null, 1));
log('done');
