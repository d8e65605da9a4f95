// The FP16 paths, run for real on a software adapter with shader-f16: Deno's WebGPU
// (wgpu) on Mesa's lavapipe (Debian: mesa-vulkan-drivers; deno: npm devDependency; both installed
// by scripts/setup.sh). Headless Chromium's SwiftShader has no shader-f16, so the e2e suite runs FP32
// only; this test runs what every real GPU runs by default.
//
// Node (this file): builds the player bundle (bench/lib/bundle.mjs: createGpu, GpuFrameProcessor,
// ModelRunner, WgslRunner, AutoRunner from src/), computes the outside reference with
// onnxruntime-node (FP32 graphs, CPU) on the fixture images, makes the corrupted copies for the
// negative checks, then runs tests/f16/deno_run.mjs under Deno, which puts every committed model
// (models/manifest.json) through the player's frame path (upload -> pack f16 -> model -> unpack)
// with each engine in FP16, and the auto pick, and writes what came out. The checks:
//   - each engine's FP16 output (full and low model) against onnxruntime-node FP32: >= MIN_DB;
//   - the WGSL engine's f16 output against onnxruntime-web's f16: >= MIN_DB;
//   - the 8-bit output the player shows: within 1 level of the FP32 reference's, almost everywhere;
//   - the auto pick's agreement rule (AGREE_DB) holds on f16 and the pick's frame is the picked
//     engine's;
//   - negative: a corrupted FP16 weight (ORT's .fp16.onnx; the WGSL engine's weights) and a
//     sabotaged f16 shader each make the first check fail, and the pick then keeps onnxruntime-web.
// PSNR: the player's convention for model outputs (inference/wgsl/pick.ts psnrDb): values clamped
// to [0, 1], peak 1, over every value of the NCHW tensor; computed here, independently.
// Fails, with the reason, where lavapipe or deno is missing (no silent skip).
//   node --test tests/f16/        (scripts/test.sh runs it as its own step)
// env: F16_KEEP=1 keeps the work folder (printed); F16_MODELS=id,id limits the models.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { buildBundle } from '../../bench/lib/bundle.mjs';
import { tensorPsnr as psnr } from '../psnr.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const MODELS = path.join(ROOT, 'models');
/** FP16 against FP32, and engine against engine: FP16 rounding alone stays above 60 dB, and 50 dB
 *  is still far below any visible difference. */
const MIN_DB = 50;
const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'manifest.json'), 'utf8'));
const modelIds = process.env.F16_MODELS ? process.env.F16_MODELS.split(',') : manifest.models.map((m) => m.id);
const entry = (id) => manifest.models.find((m) => m.id === id);
/** The negative checks run on the default model and the first image. */
const NEG_MODEL = manifest.default;

// ------------------------------------------------------------------ helpers

/** The check every FP16 output must pass against the FP32 reference. */
const passes = (out, ref) => psnr(out, ref) >= MIN_DB;

/** A binary PPM (P6, 8-bit) as RGBA. */
function readPpm(file) {
  const buf = fs.readFileSync(file);
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(buf.subarray(0, 64).toString('latin1'));
  if (!m) throw new Error(`${file}: not an 8-bit binary PPM`);
  const width = Number(m[1]), height = Number(m[2]), rgb = buf.subarray(m[0].length);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
  return { name: path.basename(file, '.ppm'), width, height, rgba };
}

const f32 = (file) => { const b = fs.readFileSync(file); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };

/** float32 -> binary16 bits, round to nearest even (normal range; enough to find the weights). */
function f16Bits(v) {
  const u = new Uint32Array(new Float32Array([v]).buffer)[0];
  const sign = (u >>> 16) & 0x8000, e = ((u >>> 23) & 0xff) - 112, mant = u & 0x7fffff;
  if (e <= 0) { // subnormal half
    if (e < -10) return sign;
    const full = mant | 0x800000, shift = 14 - e, half = 1 << (shift - 1), rest = full & ((1 << shift) - 1);
    let h = full >>> shift; if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** binary16 bits -> number. */
function f16Value(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  return e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * The corruptions, of one FP16 weight (the largest of conv `conv`, a body conv), each in both forms
 * the engines read: the .fp16.onnx initializer (found by its exact f16 bytes; the export writes the
 * same merged weights) and the raw float32 weights file that the WGSL engine uploads as f16 (there:
 * the corrupted half's value, exact in float32).
 *   flip:  one bit flipped, the top exponent bit (x 2^16: the outputs overflow to Inf/NaN)
 *   scale: its exponent raised by 8 (x 256: the outputs stay finite, and wrong)
 * Smaller damage to one weight of 150 000 is below FP16's own noise (FP32 with this weight negated
 * or x 4 stays within 74 dB of the intact FP32 output, x 16 within 60 dB; measured 2026-11-30): this
 * check is about the FP16 arithmetic and data path, not a weight checksum.
 */
function corrupt(m, conv) {
  const raw = fs.readFileSync(path.join(MODELS, m.weights.file));
  const w = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  let off = 0;
  for (let i = 0; i < conv; i++) off += m.weights.convs[i][0] * m.weights.convs[i][1] * 9 + m.weights.convs[i][1];
  const [ci, co] = m.weights.convs[conv], n = ci * co * 9;
  let k = 0;
  for (let i = 1; i < n; i++) if (Math.abs(w[off + i]) > Math.abs(w[off + k])) k = i;
  const h = Uint16Array.from(w.subarray(off, off + n), f16Bits);
  const onnx = fs.readFileSync(path.join(MODELS, m.fp16));
  const at = onnx.indexOf(Buffer.from(h.buffer));
  if (at < 0 || onnx.indexOf(Buffer.from(h.buffer), at + 1) >= 0) throw new Error(`${m.fp16}: conv ${conv}'s f16 weights not found once (found at ${at}); the negative check cannot corrupt them`);
  const make = (bad) => {
    const badOnnx = Buffer.from(onnx);
    badOnnx.writeUInt16LE(bad, at + 2 * k);
    const badW = new Float32Array(w);
    badW[off + k] = f16Value(bad);
    return { onnx: badOnnx, weights: Buffer.from(badW.buffer), from: f16Value(h[k]), to: f16Value(bad) };
  };
  const e = (h[k] >> 10) & 0x1f;
  if (e + 8 >= 31) throw new Error('the weight is too large to scale by 256 in f16');
  return { conv, index: k, variants: { flip: make(h[k] ^ 0x4000), scale: make((h[k] & ~0x7c00) | ((e + 8) << 10)) } };
}

/** The sabotage: the f16 conv kernel read mirrored in x (a transposed-weights bug), in every
 *  module that includes the shared conv loop (conv_core.wgsl). */
const SHADER_EDIT = { find: 'wo * v[q + kx]', replace: 'wo * v[q + 2u - kx]' };

/** lavapipe's Vulkan ICD file, or a clear failure. */
function lavapipeIcd() {
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  for (const d of dirs) {
    for (const f of fs.existsSync(d) ? fs.readdirSync(d) : []) if (/^lvp_icd\..*json$/.test(f)) return path.join(d, f);
  }
  throw new Error(`lavapipe (Mesa's software Vulkan driver) is not installed: no lvp_icd.*.json in ${dirs.join(', ')}. ` +
    'On Debian/Ubuntu: apt-get install mesa-vulkan-drivers (scripts/setup.sh does it).');
}

/** The deno binary of the npm devDependency, or a clear failure. */
function denoBin() {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('deno/package.json', { paths: [ROOT] });
    const bin = path.join(path.dirname(pkg), JSON.parse(fs.readFileSync(pkg, 'utf8')).bin);
    if (fs.existsSync(bin)) return bin;
  } catch {}
  throw new Error('deno is not installed: it is an npm devDependency (npm ci; scripts/setup.sh does it)');
}

function run(cmd, args, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${path.basename(args[args.length - 2] ?? cmd)} timed out after ${timeoutMs / 1000} s`)); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, sig) => { clearTimeout(timer); code === 0 ? resolve() : reject(new Error(`deno run exited ${code ?? sig}`)); });
  });
}

// ------------------------------------------------------------------ the run

const W = fs.mkdtempSync(path.join(os.tmpdir(), 'sr4x-f16-'));
const OUT = path.join(W, 'out');
const images = fs.readdirSync(path.join(HERE, 'fixtures')).filter((f) => f.endsWith('.ppm')).sort().map((f) => readPpm(path.join(HERE, 'fixtures', f)));
/** refs[model][image] = { full, low }: onnxruntime-node FP32 */
const refs = {};
let R = null; // deno_run.mjs's results.json
let corruption = null;
const got = (tag) => f32(path.join(OUT, `${tag}.f32`));

before(async () => {
  const t0 = Date.now();
  const icd = lavapipeIcd();
  const deno = denoBin();
  fs.mkdirSync(OUT, { recursive: true });
  const bundle = await buildBundle(path.join(W, 'bundle', 'player.bundle.mjs'), { quiet: true });
  const ort = await import('onnxruntime-node');
  for (const id of modelIds) {
    const m = entry(id);
    assert.ok(m, `${id} is not in models/manifest.json`);
    assert.ok(m.weights && m.low, `${id}: the test needs the weights file (WGSL engine) and the low model`);
    const sess = { full: await ort.InferenceSession.create(path.join(MODELS, m.fp32)), low: await ort.InferenceSession.create(path.join(MODELS, m.low.fp32)) };
    refs[id] = {};
    for (const im of images) {
      const n = im.width * im.height, x = new Float32Array(3 * n);
      for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) x[c * n + i] = im.rgba[4 * i + c] / 255;
      const feed = { input: new ort.Tensor('float32', x, [1, 3, im.height, im.width]) };
      refs[id][im.name] = { full: (await sess.full.run(feed)).output.data, low: (await sess.low.run(feed)).output.data };
    }
    await sess.full.release(); await sess.low.release();
  }
  for (const im of images) fs.writeFileSync(path.join(W, `${im.name}.rgba`), im.rgba);
  corruption = corrupt(entry(NEG_MODEL), 8);
  const corruptFiles = {};
  for (const [name, v] of Object.entries(corruption.variants)) {
    corruptFiles[name] = { onnx: path.join(W, `corrupt-${name}.fp16.onnx`), weights: path.join(W, `corrupt-${name}.weights.bin`) };
    fs.writeFileSync(corruptFiles[name].onnx, v.onnx);
    fs.writeFileSync(corruptFiles[name].weights, v.weights);
  }
  // two Deno processes side by side (the box's two cores): llvmpipe compiles each shader on the
  // thread that first dispatches it, and the compiles are most of the time; the default model and
  // the negative runs in one, the other models in the other
  const base = {
    bundle, ortDir: path.join(ROOT, 'node_modules/onnxruntime-web/dist'), modelsDir: MODELS, out: OUT,
    images: images.map((im) => ({ name: im.name, width: im.width, height: im.height, rgba: path.join(W, `${im.name}.rgba`) })),
  };
  const first = modelIds.includes(NEG_MODEL) ? [NEG_MODEL] : modelIds.slice(0, 1);
  const jobs = [
    { ...base, name: 'a', models: first, negative: { model: NEG_MODEL, image: images[0].name, corrupt: corruptFiles, shader: SHADER_EDIT } },
    { ...base, name: 'b', models: modelIds.filter((id) => !first.includes(id)) },
  ].filter((j) => j.models.length || j.negative);
  console.log(`f16: bundle and onnxruntime-node references in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${modelIds.length} models x ${images.length} images; Deno on ${icd}`);
  let xdg = process.env.XDG_RUNTIME_DIR;
  if (!xdg || !fs.existsSync(xdg)) { xdg = path.join(W, 'xdg'); fs.mkdirSync(xdg, { mode: 0o700 }); }
  const env = {
    ...process.env, VK_DRIVER_FILES: icd, VK_ICD_FILENAMES: icd, XDG_RUNTIME_DIR: xdg, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1',
    // llvmpipe's code generation at 128-bit vectors: the same arithmetic, a third of the shader
    // compile time at 256 (cold: ~10 s instead of ~33 s for the C=32 f16 engine)
    LP_NATIVE_VECTOR_WIDTH: process.env.LP_NATIVE_VECTOR_WIDTH ?? '128',
  };
  await Promise.all(jobs.map((job) => {
    const file = path.join(W, `job-${job.name}.json`);
    fs.writeFileSync(file, JSON.stringify(job, null, 1));
    return run(deno, ['run', '--unstable-webgpu', '--no-config', '--allow-read', '--allow-write', '--allow-env', path.join(HERE, 'deno_run.mjs'), file], env, 240_000);
  }));
  const parts = jobs.map((j) => JSON.parse(fs.readFileSync(path.join(OUT, `results-${j.name}.json`), 'utf8')));
  R = { ...parts[0], auto: parts.flatMap((p) => p.auto), runs: parts.flatMap((p) => p.runs), negative: parts[0].negative };
  console.log(`f16: Deno runs ${parts.map((p) => `${p.seconds.total} s`).join(' and ')} side by side (${R.runtime}, ${R.adapter}, onnxruntime-web ${R.ort}); whole step ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, { timeout: 300_000 });

after(() => {
  if (process.env.F16_KEEP) console.log(`f16: work folder kept: ${W}`);
  else fs.rmSync(W, { recursive: true, force: true });
});

test('the adapter is lavapipe with shader-f16, and the player device has it', () => {
  assert.match(R.adapter, /llvmpipe/i);
  assert.equal(R.f16, true);
  assert.ok(R.features.includes('shader-f16'), `device features: ${R.features}`);
});

for (const id of modelIds) {
  describe(`${id} FP16 through the frame path`, () => {
    for (const engine of ['ort', 'wgsl']) {
      const name = engine === 'ort' ? 'onnxruntime-web (.fp16.onnx)' : 'WGSL engine (f16 pipelines)';
      test(`${name} vs onnxruntime-node FP32: >= ${MIN_DB} dB, full and low model`, (t) => {
        for (const im of images) {
          for (const which of ['full', 'low']) {
            const db = psnr(got(`${id}.${im.name}.${engine}.${which}`), refs[id][im.name][which]);
            t.diagnostic(`${im.name} ${which}: ${db.toFixed(2)} dB`);
            assert.ok(db >= MIN_DB, `${id} ${engine} ${im.name} ${which}: ${db.toFixed(2)} dB < ${MIN_DB}`);
          }
        }
      });
    }
    test(`WGSL f16 vs onnxruntime-web f16: >= ${MIN_DB} dB`, (t) => {
      for (const im of images) for (const which of ['full', 'low']) {
        const db = psnr(got(`${id}.${im.name}.wgsl.${which}`), got(`${id}.${im.name}.ort.${which}`));
        t.diagnostic(`${im.name} ${which}: ${db.toFixed(2)} dB`);
        assert.ok(db >= MIN_DB, `${id} ${im.name} ${which}: ${db.toFixed(2)} dB`);
      }
    });
    test('the 8-bit output: unpack of the f16 tensor exact, and >= 45 dB against the FP32 reference in 8 bits', (t) => {
      for (const im of images) for (const engine of ['ort', 'wgsl']) {
        const tag = `${id}.${im.name}.${engine}`;
        const out8 = fs.readFileSync(path.join(OUT, `${tag}.out8.rgba`)), own = got(`${tag}.full`), ref = refs[id][im.name].full, n = ref.length / 3;
        const q = (v) => Math.round(Math.min(1, Math.max(0, v)) * 255);
        let worst = 0, off = 0, sse = 0;
        for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) {
          const d = Math.abs(out8[4 * i + c] - q(own[c * n + i]));
          worst = Math.max(worst, d); if (d) off++;
          sse += (out8[4 * i + c] - q(ref[c * n + i])) ** 2;
        }
        const db = sse ? 10 * Math.log10((255 * 255 * 3 * n) / sse) : Infinity;
        t.diagnostic(`${im.name} ${engine}: ${off} value(s) off the tensor's own rounding (max ${worst}); ${db.toFixed(2)} dB against FP32 in 8 bits`);
        assert.ok(worst <= 1 && off <= 0.001 * 3 * n, `${tag}: the 8-bit output is not the f16 tensor rounded (${off} values off, max ${worst})`);
        assert.ok(db >= 45, `${tag}: ${db.toFixed(2)} dB against the FP32 reference in 8 bits`);
      }
    });
    test(`the auto pick: WGSL f16 agrees with onnxruntime-web f16 (>= AGREE_DB), and the frame is the picked engine's`, (t) => {
      const a = R.auto.find((x) => x.model === id);
      const d = a.decision;
      t.diagnostic(`agreement ${d.agreeDb?.toFixed(2)} dB (rule: ${R.agree_db}); picked ${d.engine} (ort ${d.ms.ort?.toFixed(0)} ms, wgsl ${d.ms.wgsl?.toFixed(0)} ms)`);
      assert.equal(d.reason, null, `the WGSL engine was left out: ${d.reason}`);
      assert.ok(d.agreeDb >= R.agree_db, `agreement ${d.agreeDb} dB < ${R.agree_db}`);
      assert.equal(a.engine, d.engine);
      const picked = got(`${id}.${a.image}.${d.engine}.full`), out = got(`${id}.${a.image}.auto.full`);
      assert.equal(psnr(out, picked), Infinity, 'the auto frame differs from the picked engine\'s output');
    });
  });
}

describe(`negative checks (${NEG_MODEL}): broken FP16 paths fail the same check`, () => {
  const ref = () => refs[NEG_MODEL][images[0].name].full;
  const finite = (a) => a.every(Number.isFinite);
  /** the auto pick with a broken WGSL engine: the agreement rule must keep onnxruntime-web */
  const keepsOrt = (t, key) => {
    const a = R.negative[key], d = a.decision;
    t.diagnostic(`agreement ${d.agreeDb} dB; picked ${d.engine}: ${d.reason}`);
    assert.equal(d.engine, 'ort', `the pick kept the broken WGSL engine (agreement ${d.agreeDb} dB)`);
    assert.equal(a.engine, 'ort');
    assert.ok(passes(got(`neg.${key}.full`), ref()), 'the frame shown is not onnxruntime-web\'s');
  };
  test('the intact paths pass it on this image', () => {
    for (const e of ['ort', 'wgsl']) assert.ok(passes(got(`${NEG_MODEL}.${images[0].name}.${e}.full`), ref()));
  });
  for (const [name, what] of [['flip', 'one bit flipped (top exponent bit: x 2^16)'], ['scale', 'its exponent raised by 8 (x 256)']]) {
    for (const [engine, file] of [['onnx', '.fp16.onnx (onnxruntime-web)'], ['weights', 'WGSL engine\'s weights']]) {
      test(`one FP16 weight, ${what}, in the ${file}`, (t) => {
        const out = got(`neg.${engine}-${name}.full`), db = psnr(out, ref());
        const v = corruption.variants[name];
        t.diagnostic(`conv ${corruption.conv} weight ${corruption.index}: ${v.from} -> ${v.to}: ${db.toFixed(2)} dB, ${finite(out) ? 'all finite' : 'non-finite values'}`);
        assert.equal(passes(out, ref()), false, `a corrupted weight still reached ${db.toFixed(2)} dB`);
        if (name === 'scale') assert.ok(finite(out) && db < MIN_DB, 'expected a finite output below the threshold');
      });
    }
  }
  test('the auto pick keeps onnxruntime-web with the x 256 weight in the WGSL engine', (t) => keepsOrt(t, 'auto-scale'));
  test('the auto pick keeps onnxruntime-web when the WGSL engine outputs NaN (the flipped bit)', (t) => keepsOrt(t, 'auto-flip'));
  test(`a sabotaged f16 shader (${SHADER_EDIT.find} -> ${SHADER_EDIT.replace})`, (t) => {
    const db = psnr(got('neg.shader.full'), ref());
    t.diagnostic(`${R.negative.shader.edited_modules} modules edited: ${db.toFixed(2)} dB`);
    assert.ok(R.negative.shader.edited_modules >= 4, `the edit reached ${R.negative.shader.edited_modules} shader modules: the sabotage did not apply`);
    assert.equal(passes(got('neg.shader.full'), ref()), false, `a broken shader still reached ${db.toFixed(2)} dB`);
  });
  test('the auto pick keeps onnxruntime-web with that shader', (t) => keepsOrt(t, 'auto-shader'));
});
