// Model-only benchmark of onnxruntime-web's WebGPU EP under Dawn for Node (npm `webgpu`).
//
// Driver (default): builds the config list, runs it in a worker child process, restarts the
// worker after a crash or a per-config timeout (one bad config never kills the rest), stops
// starting configs at the deadline, prints each result as it lands, writes JSON.
// Worker (--worker): one Dawn device, one ORT instance, configs run one after another.
//
//   node dawn_bench.mjs --models DIR --out results.json [--size 1024] [--budget-s 100]
//        [--config-s 3] [--only-channels 32] [--quick]
//
// Paths: --bundle FILE (the player bundle, bench/lib/bundle.mjs; its createGpu makes the device),
//        --dawn PATH/dawn.node (default: node_modules/webgpu/dist/linux-x64/dawn.node),
//        --ort DIR holding ort-wasm-simd-threaded.asyncify.wasm (default: node_modules/onnxruntime-web/dist).
// Models: DIR/index.json from make_models.py or list_models.py:
//        [{file, channels, precision, free_dims: [names of the symbolic dims of `input`]}].
//
// Timing: model_ms = median over frames of (session.run + queue.onSubmittedWorkDone) with the
// input already on the GPU (Tensor.fromGpuBuffer) and the output left there
// (preferredOutputLocation 'gpu-buffer', or a pre-allocated output buffer); throughput_ms =
// wall time of K back-to-back runs / K, one wait at the end. Warm-up runs are excluded.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { median, percentile, rng } from '../../src/engine/metrics/sample.mjs';
import { r3 } from '../lib/util.mjs';
import { loadBundle, playerGpu, setupOrt } from '../lib/webgpu.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');

function parseArgs(argv) {
  const a = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (!k.startsWith('--')) continue;
    const key = k.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) a[key] = true;
    else { a[key] = next; i++; }
  }
  return a;
}
const args = parseArgs(process.argv.slice(2));
const DAWN = resolve(args.dawn || join(ROOT, 'node_modules/webgpu/dist/linux-x64/dawn.node'));
const ORT_DIR = resolve(args.ort || join(ROOT, 'node_modules/onnxruntime-web/dist'));

// ---------------------------------------------------------------- worker
// The device is the player's own (bench/lib/webgpu.mjs: createGpu from the bundle, after installing
// navigator.gpu from dawn.node): the same features and limits as on the page. ORT is the instance the
// bundle imports; the sessions here are raw (the option grid is what this benchmark varies).
let B = null; // the player bundle

async function setupGpu() {
  B = await loadBundle(args.bundle);
  const { adapter, device } = await playerGpu(B, { dawn: DAWN });
  const i = adapter.info || {}, L = adapter.limits;
  const info = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
    isFallbackAdapter: i.isFallbackAdapter, features: [...adapter.features], requiredFeatures: [...device.features],
    maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxBufferSize: L.maxBufferSize };
  return { device, info };
}

function makeInput(n, fp16, seed = 1) {
  const rnd = rng(seed);
  if (fp16) { const a = new Uint16Array(n); for (let i = 0; i < n; i++) a[i] = B.f32ToF16Bits(rnd()); return a; }
  const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = rnd(); return a;
}

async function runConfig(ort, device, cfg, modelsDir) {
  const t0 = performance.now();
  const fp16 = cfg.precision === 'fp16';
  const [W, H] = cfg.input;
  const dtype = fp16 ? 'float16' : 'float32';
  const bpe = fp16 ? 2 : 4;
  const so = {
    executionProviders: [{ name: 'webgpu', device, preferredLayout: cfg.layout }],
    preferredOutputLocation: 'gpu-buffer',
    graphOptimizationLevel: 'all',
    enableGraphCapture: !!cfg.graph_capture,
  };
  if (cfg.fixed_shapes) {
    const o = {};
    const [bn, , hn, wn] = cfg.free_dims_full;
    if (typeof bn === 'string') o[bn] = 1;
    if (typeof hn === 'string') o[hn] = H;
    if (typeof wn === 'string') o[wn] = W;
    so.freeDimensionOverrides = o;
  }
  const model = readFileSync(resolve(modelsDir, cfg.file));
  const IN = cfg.input_name || 'input', OUT = cfg.output_name || 'output';
  const session = await ort.InferenceSession.create(model, so);
  const create_ms = performance.now() - t0;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const inN = 3 * H * W, outN = 3 * 16 * H * W;
  const inBuf = device.createBuffer({ size: Math.ceil(inN * bpe / 16) * 16, usage });
  const host = makeInput(inN, fp16);
  device.queue.writeBuffer(inBuf, 0, host.buffer, 0, host.byteLength);
  const inT = ort.Tensor.fromGpuBuffer(inBuf, { dataType: dtype, dims: [1, 3, H, W] });
  let outBuf = null, outT = null;
  if (cfg.prealloc_output) {
    outBuf = device.createBuffer({ size: Math.ceil(outN * bpe / 16) * 16, usage });
    outT = ort.Tensor.fromGpuBuffer(outBuf, { dataType: dtype, dims: [1, 3, 4 * H, 4 * W] });
  }
  const once = async () => {
    if (outT) { await session.run({ [IN]: inT }, { [OUT]: outT }); return null; }
    const r = await session.run({ [IN]: inT });
    return r[OUT];
  };
  const cleanup = async () => {
    try { await session.release(); } catch {}
    try { inBuf.destroy(); } catch {}
    try { outBuf?.destroy(); } catch {}
  };
  try {
    // warm-up (first runs compile pipelines and, with graph capture, record the graph)
    const tw = performance.now();
    let warm = 0;
    while (warm < cfg.warmup || (warm < 1)) {
      const o = await once(); await device.queue.onSubmittedWorkDone(); o?.dispose(); warm++;
      if (performance.now() - tw > cfg.config_s * 1000 * 2) break;
    }
    const first_ms = performance.now() - tw;
    // latency: one frame at a time, wait for the GPU each time
    const lat = [];
    const tl = performance.now();
    while (lat.length < cfg.frames) {
      const s = performance.now();
      const o = await once(); await device.queue.onSubmittedWorkDone();
      lat.push(performance.now() - s); o?.dispose();
      if (lat.length >= cfg.min_frames && performance.now() - tl > cfg.config_s * 1000) break;
    }
    // throughput: K runs back to back, one wait at the end
    const med = median(lat);
    const K = Math.max(3, Math.min(cfg.frames, Math.floor((cfg.config_s * 1000) / Math.max(med, 0.01) / 2)));
    const outs = [];
    const ts = performance.now();
    for (let k = 0; k < K; k++) { const o = await once(); if (o) outs.push(o); }
    await device.queue.onSubmittedWorkDone();
    const throughput_ms = (performance.now() - ts) / K;
    for (const o of outs) o.dispose();
    // check: read the output back once (after timing), stats + a strided sample for cross-config diffs
    let check = null;
    if (cfg.check) {
      let data;
      const o = outT ? null : await once();
      if (cfg.dump) data = outT ? await outT.getData() : await o.getData();
      else {
        // a 4 MB window from the middle of the output (a full 4096x4096 read-back costs ~0.2 s per config)
        const src = outT ? outBuf : o.gpuBuffer;
        const total = outN * bpe, len = Math.min(total, 4 << 20), off = Math.floor((total - len) / 2 / 16) * 16;
        const rb = device.createBuffer({ size: len, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
        const enc = device.createCommandEncoder(); enc.copyBufferToBuffer(src, off, rb, 0, len); device.queue.submit([enc.finish()]);
        await rb.mapAsync(GPUMapMode.READ);
        const copy = rb.getMappedRange().slice(0); rb.unmap(); rb.destroy();
        data = fp16 ? new Uint16Array(copy) : new Float32Array(copy);
      }
      o?.dispose();
      const n = data.length; let sum = 0, sabs = 0, bad = 0; const sample = [];
      const step = Math.max(1, Math.floor(n / 512));
      const vals = fp16 ? B.halfToFloat(data) : data;
      for (let i = 0; i < n; i++) {
        const v = vals[i];
        if (!Number.isFinite(v)) { bad++; continue; }
        sum += v; sabs += Math.abs(v);
        if (i % step === 0 && sample.length < 512) sample.push(v);
      }
      check = { n, region: cfg.dump ? 'full' : 'middle 4 MB', mean: sum / n, mean_abs: sabs / n, nonfinite: bad, sample };
      if (cfg.dump) {
        writeFileSync(cfg.dump + '.in.bin', Buffer.from(host.buffer, host.byteOffset, host.byteLength));
        writeFileSync(cfg.dump + '.out.bin', Buffer.from(data.buffer, data.byteOffset, data.byteLength));
        check.dump = cfg.dump;
      }
    }
    return {
      model_ms: r3(med), p95_ms: r3(percentile(lat, 95)), min_ms: r3(Math.min(...lat)), frames: lat.length,
      throughput_ms: r3(throughput_ms), throughput_frames: K, warmup_runs: warm, warmup_ms: r3(first_ms),
      session_create_ms: r3(create_ms), check,
    };
  } finally {
    await cleanup();
  }
}

async function worker() {
  const configs = JSON.parse(readFileSync(args.configs, 'utf8'));
  const start = Number(args.start || 0);
  let gpu;
  try { gpu = await setupGpu(); } catch (e) { console.log('FATAL ' + JSON.stringify({ error: String(e?.stack || e) })); process.exit(3); }
  console.log('ADAPTER ' + JSON.stringify(gpu.info));
  const ort = setupOrt(B, ORT_DIR);
  console.log('ORT ' + JSON.stringify({ version: ort.env.versions }));
  for (let i = start; i < configs.length; i++) {
    console.log('START ' + i);
    let res;
    try { res = { ok: true, ...(await runConfig(ort, gpu.device, configs[i], args.models)) }; }
    catch (e) { res = { ok: false, error: String(e?.message || e).slice(0, 600) }; }
    console.log('RESULT ' + i + ' ' + JSON.stringify(res));
  }
  console.log('DONE');
  process.exit(0);
}

// ---------------------------------------------------------------- driver
function buildConfigs(models, opts) {
  const size = opts.size;
  const byKey = new Map(models.map((m) => [`${m.channels}/${m.precision}`, m]));
  const widths = [...new Set(models.map((m) => m.channels))].sort((a, b) => a - b);
  const main = widths.includes(opts.mainC) ? opts.mainC : widths[Math.floor(widths.length / 2)];
  const cfgs = []; const seen = new Set();
  const add = (C, precision, layout, graph_capture, fixed_shapes, prealloc_output = false, stage = '') => {
    const m = byKey.get(`${C}/${precision}`); if (!m) return;
    const key = [C, precision, layout, graph_capture, fixed_shapes, prealloc_output].join('/');
    if (seen.has(key)) return; seen.add(key);
    cfgs.push({ file: m.file, channels: C, precision, layout, graph_capture, fixed_shapes, prealloc_output,
      input_name: m.input_name, output_name: m.output_name, free_dims_full: m.input_dims || [1, 3, ...(m.free_dims || ['height', 'width'])],
      input: [size, size], stage, warmup: opts.warmup, frames: opts.frames, min_frames: opts.minFrames,
      config_s: opts.configS, check: true });
  };
  // stage 0: small-input correctness dumps (compared with onnxruntime CPU by verify_outputs.py)
  if (opts.verifySize && opts.dumpDir) {
    for (const p of ['fp32', 'fp16']) for (const [layout, g] of [['NHWC', true], ['NCHW', false]]) {
      const m = byKey.get(`${main}/${p}`); if (!m) continue;
      cfgs.push({ file: m.file, channels: main, precision: p, layout, graph_capture: g, fixed_shapes: true, prealloc_output: false,
        input_name: m.input_name, output_name: m.output_name, free_dims_full: m.input_dims || [1, 3, ...(m.free_dims || ['height', 'width'])],
        input: [opts.verifySize, opts.verifySize], stage: 'verify', warmup: 1, frames: 2, min_frames: 1, config_s: 0.5, check: true,
        dump: join(opts.dumpDir, `verify_c${main}_${p}_${layout}_g${g ? 1 : 0}`), model_path: resolve(args.models, m.file) });
    }
  }
  // stage 1: every width, the expected-best settings, fp16 and fp32
  for (const C of [main, ...widths.filter((c) => c !== main)]) for (const p of ['fp16', 'fp32']) add(C, p, 'NHWC', true, true, false, 'widths');
  // stage 2: full factorial of layout x graph capture x fixed shapes at the main width
  if (!opts.quick) {
    for (const p of ['fp16', 'fp32']) for (const layout of ['NHWC', 'NCHW']) for (const g of [true, false]) for (const f of [true, false]) add(main, p, layout, g, f, false, 'factorial');
    add(main, 'fp16', 'NHWC', true, true, true, 'prealloc');
    add(main, 'fp16', 'NHWC', false, true, true, 'prealloc');
    // stage 3: the same knobs at the widest width, fp16
    const wide = widths[widths.length - 1];
    for (const layout of ['NHWC', 'NCHW']) for (const g of [true, false]) for (const f of [true, false]) add(wide, 'fp16', layout, g, f, false, 'factorial-wide');
    for (const C of widths) add(C, 'fp16', 'NCHW', false, false, false, 'defaults');
  }
  return cfgs;
}

function runWorker(configsFile, start, onLine) {
  return new Promise((res) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--worker', '--configs', configsFile,
      '--start', String(start), '--models', args.models, '--dawn', DAWN, '--ort', ORT_DIR, '--bundle', args.bundle], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    child.stdout.on('data', (d) => { buf += d; let k; while ((k = buf.indexOf('\n')) >= 0) { const l = buf.slice(0, k); buf = buf.slice(k + 1); onLine(l, child); } });
    child.stderr.on('data', (d) => process.stderr.write(String(d).split('\n').filter(Boolean).map((l) => '  [worker] ' + l + '\n').join('')));
    child.on('exit', (code, sig) => res({ code, sig }));
  });
}

async function driver() {
  const t0 = Date.now();
  if (!args.bundle) throw new Error('--bundle FILE (the player bundle: node bench/lib/bundle.mjs FILE) is required: the device is the player\'s');
  const budgetMs = Number(args['budget-s'] || 100) * 1000;
  const deadline = t0 + budgetMs;
  const opts = { size: Number(args.size || 1024), mainC: Number(args['main-channels'] || 32), quick: !!args.quick,
    warmup: Number(args.warmup || 3), frames: Number(args.frames || 30), minFrames: Number(args['min-frames'] || 5),
    configS: Number(args['config-s'] || 3), verifySize: Number(args['verify-size'] || 0), dumpDir: args['dump-dir'] };
  const index = JSON.parse(readFileSync(join(args.models, 'index.json'), 'utf8'));
  let models = index;
  if (args['only-channels']) { const keep = String(args['only-channels']).split(',').map(Number); models = models.filter((m) => keep.includes(m.channels)); }
  const configs = buildConfigs(models, opts);
  const configsFile = join(os.tmpdir(), `dawn_bench_configs_${process.pid}.json`);
  writeFileSync(configsFile, JSON.stringify(configs));
  const perConfigTimeout = Number(args['config-timeout-s'] || Math.max(30, opts.configS * 6)) * 1000;
  console.log(`dawn_bench: ${configs.length} configs at ${opts.size}x${opts.size}, budget ${budgetMs / 1000} s, per-config timeout ${perConfigTimeout / 1000} s`);
  const results = configs.map((c) => ({ status: 'skipped' }));
  let adapter = null, ortVersions = null, next = 0;
  while (next < configs.length && Date.now() < deadline - 2000) {
    let current = -1, timer = null, stopped = false;
    const arm = (child) => { clearTimeout(timer); timer = setTimeout(() => { stopped = true; child.kill('SIGKILL'); }, Math.min(perConfigTimeout, Math.max(1000, deadline - Date.now()))); };
    const { code, sig } = await runWorker(configsFile, next, (line, child) => {
      if (line.startsWith('ADAPTER ')) { adapter = JSON.parse(line.slice(8)); console.log('adapter: ' + JSON.stringify({ vendor: adapter.vendor, architecture: adapter.architecture, device: adapter.device, description: adapter.description, fallback: adapter.isFallbackAdapter, f16: adapter.features.includes('shader-f16') })); }
      else if (line.startsWith('ORT ')) ortVersions = JSON.parse(line.slice(4)).version;
      else if (line.startsWith('FATAL ')) { console.log('worker setup failed: ' + line.slice(6)); }
      else if (line.startsWith('START ')) {
        current = Number(line.slice(6));
        if (Date.now() > deadline - 2000) { stopped = true; child.kill('SIGKILL'); return; }
        arm(child);
      } else if (line.startsWith('RESULT ')) {
        clearTimeout(timer);
        const sp = line.indexOf(' ', 7); const i = Number(line.slice(7, sp)); const r = JSON.parse(line.slice(sp + 1));
        results[i] = { status: r.ok ? 'ok' : 'error', ...r }; next = i + 1;
        const c = configs[i];
        const tag = `C=${c.channels} ${c.precision} ${c.layout} graph=${c.graph_capture ? 1 : 0} fixed=${c.fixed_shapes ? 1 : 0}${c.prealloc_output ? ' prealloc' : ''}`;
        console.log(r.ok ? `  [${i}] ${tag}: model ${r.model_ms} ms (p95 ${r.p95_ms}, n=${r.frames}), throughput ${r.throughput_ms} ms/frame, create ${r.session_create_ms} ms` : `  [${i}] ${tag}: ERROR ${r.error}`);
      } else if (line.trim()) console.log('  [worker] ' + line);
    });
    clearTimeout(timer);
    if (current >= 0 && results[current].status === 'skipped') {
      const why = stopped ? (Date.now() > deadline - 2000 ? 'deadline' : 'timeout') : `crash (exit ${code}${sig ? ' ' + sig : ''})`;
      results[current] = { status: why };
      console.log(`  [${current}] ${why}`);
      next = current + 1;
    } else if (current < 0) { console.log(`worker exited before any config (exit ${code} ${sig || ''})`); break; }
    else if (next <= current) next = current + 1;
  }
  // cross-config consistency: compare each output sample to the first ok config of the same model
  const ref = new Map();
  results.forEach((r, i) => {
    if (r.status !== 'ok' || !r.check) return;
    const k = configs[i].file + "@" + configs[i].input.join("x");
    if (!ref.has(k)) { ref.set(k, r.check.sample); r.check.max_rel_diff_vs_first = 0; return; }
    const a = ref.get(k), b = r.check.sample; let num = 0, den = 0;
    for (let j = 0; j < Math.min(a.length, b.length); j++) { num = Math.max(num, Math.abs(a[j] - b[j])); den = Math.max(den, Math.abs(a[j])); }
    r.check.max_rel_diff_vs_first = den ? num / den : num;
  });
  const gpuName = adapter ? (adapter.isFallbackAdapter || /swiftshader/i.test(`${adapter.architecture} ${adapter.description}`) ? 'swiftshader' : (adapter.description || `${adapter.vendor} ${adapter.architecture} ${adapter.device}`)) : null;
  const out = {
    machine: args.machine || os.hostname(), gpu: gpuName, date: new Date().toISOString(),
    versions: { node: process.version, 'onnxruntime-web': ortVersions?.web || ortVersions?.common || null, webgpu_npm: args['webgpu-version'] || null, ...(args.versions ? JSON.parse(readFileSync(args.versions, 'utf8')) : {}) },
    adapter,
    method: 'model-only: median of (session.run + onSubmittedWorkDone) per frame, IO on the GPU (Tensor.fromGpuBuffer in, gpu-buffer out), after warm-up; throughput_ms = K back-to-back runs / K. frame_ms is null: no pipeline here.',
    results: configs.map((c, i) => {
      const r = results[i];
      const { sample, ...check } = r.check || {};
      return { engine: 'onnxruntime-web', backend: 'webgpu-dawn-node', precision: c.precision, input: c.input,
        model_ms: r.model_ms ?? null, frame_ms: null, channels: c.channels, layout: c.layout, graph_capture: c.graph_capture,
        fixed_shapes: c.fixed_shapes, prealloc_output: c.prealloc_output, stage: c.stage, status: r.status, error: r.error,
        p95_ms: r.p95_ms, min_ms: r.min_ms, frames: r.frames, throughput_ms: r.throughput_ms, session_create_ms: r.session_create_ms,
        warmup_ms: r.warmup_ms, check: r.check ? check : undefined };
    }),
  };
  if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 1));
  if (opts.dumpDir) writeFileSync(join(opts.dumpDir, 'dumps.json'), JSON.stringify(configs.filter((c, i) => c.dump && results[i].status === 'ok')
    .map((c) => ({ dump: c.dump, model: c.model_path, precision: c.precision, input: c.input, layout: c.layout, graph_capture: c.graph_capture,
      input_name: c.input_name || 'input', output_name: c.output_name || 'output' })), null, 1));
  const ok = out.results.filter((r) => r.status === 'ok').length;
  console.log(`dawn_bench: ${ok}/${configs.length} configs ok in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${args.out || '(no --out)'}`);
}

if (args.worker) worker().catch((e) => { console.log('FATAL ' + JSON.stringify({ error: String(e?.stack || e) })); process.exit(4); });
else driver().catch((e) => { console.error(e); process.exit(1); });
