// The checks every browser runs, on the page interface of firefox.mjs / webdriver.mjs (goto, eval,
// upload, click, select, shot). Each number the page shows is checked against an outside
// computation: onnxruntime-node running the FP32 model on the exact input read back from the page,
// and the CPU filters of src/engine/metrics/filters.ts, through e2e/helpers.ts (the Playwright suite's own
// helpers, imported with Vite's module runner: they are TypeScript).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runnerImport } from 'vite';
import { ROOT } from './serve.mjs';
import { tensorPsnr } from '../../tests/psnr.mjs';

const ts = async (f) => (await runnerImport(path.join(ROOT, f))).module;
export const helpers = await ts('e2e/helpers.ts');
export const filters = await ts('src/engine/metrics/filters.ts');
export const pick = await ts('src/engine/inference/wgsl/pick.ts');
const { clip, runModelOutside, maxAbsDiff } = helpers;
const { bicubicUp4, downscale4, nchwTo8bit, psnrY, toNchw } = filters;

/** The page's PSNR against the outside computation (README: "to 0.05 dB"). */
const PSNR_TOL = 0.05;
/** WASM FP32 against onnxruntime-node FP32 (e2e/wasm.spec.ts). */
const WASM_TOL = 1e-4;
/** FP16 against FP32 (issue 13: "50 dB or better"). */
export const F16_MIN_DB = 50;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls `get` until `ok(value)`, at most `timeout` ms; the assertion names `what` and the last value. */
export async function poll(what, get, ok, { timeout = 60_000, every = 250 } = {}) {
  const t0 = Date.now();
  let v;
  for (;;) {
    v = await get();
    if (ok(v)) return v;
    if (Date.now() - t0 > timeout) assert.fail(`${what}: not so after ${timeout / 1000} s; last: ${JSON.stringify(v)?.slice(0, 400)}`);
    await sleep(every);
  }
}

export const state = (p) => p.eval(() => window.__sr?.state() ?? null);
export const text = (p, id) => p.eval((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null, id);
export const footer = (p) => p.eval(() => document.querySelector('footer')?.textContent ?? '');
export const waitText = (p, id, re, timeout = 60_000) => poll(`[${id}] ~ ${re}`, () => text(p, id), (t) => t != null && re.test(t), { timeout });
export const waitGone = (p, id, timeout = 60_000) => poll(`[${id}] gone`, () => text(p, id), (t) => t == null, { timeout });
export const waitFrames = (p, n, from = 0, timeout = 120_000) =>
  poll(`${n} frames processed after ${from}`, () => state(p), (s) => s && s.framesProcessed - from >= n, { timeout });

/** The player with no demo clip, once its model is ready; with the manifest's default model unless
 *  `query` names one (as openPlayer in e2e/helpers.ts: left to pick by speed, the player switches
 *  models, and these checks compare with a named one). */
export async function open(p, base, query) {
  const model = /(^|&)model=/.test(query ?? '') ? '' : `model=${JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8')).default}`;
  await p.goto(`${base}/?${['demo=0', query, model].filter(Boolean).join('&')}`);
  return poll('model ready', () => state(p), (s) => s?.modelReady === true, { timeout: 90_000 });
}

export async function pause(p) {
  await p.eval(async () => {
    window.__sr.pause();
    await window.__sr.idle();
  });
}

// the Playwright suite's read-backs, through this page's evaluate
export const readTexture = (p, which) => helpers.readTexture({ evaluate: p.eval }, which);
export const readTensor = (p, which) => helpers.readTensor({ evaluate: p.eval }, which);

/** Variance of what is on screen in a canvas: the browser's own screenshot of the element, decoded
 *  in the page (e2e/helpers.ts). A blank or flat canvas gives ~0. */
export async function canvasVariance(p, testid) {
  return p.eval(helpers.pngVariance, await p.shot(testid));
}


const log = (p, msg) => console.log(`[${p.label ?? p.name}] ${msg}`);

// ------------------------------------------------------------------ (a) the default URL

/** The default URL, no parameters: the demo, its bicubic preview at once, then the model's own
 *  frame (WASM here: no WebGPU, or a software adapter), as e2e/default.spec.ts checks in Chromium. */
export async function defaultUrl(p, base, { note }) {
  await p.goto(`${base}/`);
  await waitText(p, 'stat-backend', /^wasm fp32$/, 60_000);
  const why = await text(p, 'backend-note');
  log(p, `header: wasm fp32, ${why}`);
  assert.match(why, note);
  await poll('footer names the demo', () => footer(p), (t) => t.includes('demo.mp4 · 1024×1024'), { timeout: 60_000 });
  // NaN does not survive WebDriver's JSON: the page says whether the mark is set
  const marks = () => p.eval(() => {
    const m = window.__sr.marks();
    return { opened: m.opened, preview: Number.isFinite(m.preview) ? m.preview : null, first: Number.isFinite(m.firstModelFrame) ? m.firstModelFrame : null };
  });
  const m = await poll('bicubic preview up', marks, (m) => m.preview != null, { timeout: 60_000 });
  log(p, `demo: original and bicubic preview on screen ${(m.preview - m.opened).toFixed(0)} ms after opening`);
  assert.ok(await canvasVariance(p, 'video-original') > 10, 'the original pane is blank');
  const note1 = await text(p, 'preview-note');
  // gone already only if the model was quicker than this check
  if (note1 != null) assert.match(note1, /bicubic preview · (upscaling the first frame|loading the model): \d+\.\d s/);
  try {
    // the model loads in seconds here: a page that has not loaded it in 90 s never does (seen once
    // in Firefox with WebGPU on, modelReady false for 240 s while the demo played its preview)
    await poll('the model loaded', () => state(p), (s) => s.modelReady, { timeout: 90_000 });
    await waitFrames(p, 1, 0, 180_000);
  } catch (e) {
    const said = await p.eval(() => ['preview-note', 'error-banner', 'notice', 'backend-note'].map((id) => `${id}: ${document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '-'}`).join('; '));
    e.message += `; the page says: ${said}`;
    throw e;
  }
  const m2 = await marks();
  log(p, `demo: first model frame (1024x1024 -> 4096x4096 on WASM) ${((m2.first - m2.opened) / 1000).toFixed(1)} s after opening`);
  await waitGone(p, 'preview-note', 10_000);
  assert.ok(await canvasVariance(p, 'video-upscaled') > 10, 'the upscaled pane is blank');
  assert.match(await text(p, 'stat-model-clock'), /CPU/);
  const s = await state(p);
  assert.equal(s.backend, 'wasm');
  assert.deepEqual(s.frame, { width: 1024, height: 1024 });
}

// ------------------------------------------------------------------ (b, c) a dropped clip

/** A picked clip plays with latency and PSNR on the overlay; the model output and both PSNR modes
 *  equal the outside computation (WASM: `tol` on the tensor; WebGPU FP16: `minDb`). */
export async function droppedClip(p, base, { query = '', backendText = 'wasm fp32', tol = WASM_TOL, minDb = null } = {}) {
  await open(p, base, query);
  await waitText(p, 'stat-backend', new RegExp(`^${backendText}$`), 10_000);
  await p.upload(clip('tiny32.mp4'));
  await poll('footer names the clip', () => footer(p), (t) => t.includes('tiny32.mp4 · 32×32'), { timeout: 30_000 });
  await waitFrames(p, 2);
  await waitText(p, 'stat-latency', /^\d+\.\d ms$/);
  await waitText(p, 'stat-fps', /^\d+\.\d$/);
  await waitText(p, 'stat-psnr', /^\d+\.\d\d dB$/);
  assert.equal(await text(p, 'stat-psnr-mode'), 'consistency');
  log(p, `tiny32.mp4 playing: latency ${await text(p, 'stat-latency')}, model ${await text(p, 'stat-model-latency')}, PSNR ${await text(p, 'stat-psnr')}`);
  assert.equal((await state(p)).playing, true);
  await pause(p);
  assert.ok(await canvasVariance(p, 'video-original') > 10, 'the original pane is blank');
  assert.ok(await canvasVariance(p, 'video-upscaled') > 10, 'the upscaled pane is blank');

  const input = await readTexture(p, 'input');
  assert.deepEqual([input.width, input.height], [32, 32]);
  const tensor = await readTensor(p, 'full');
  assert.deepEqual([tensor.width, tensor.height], [128, 128]);
  const outside = await runModelOutside('full', toNchw({ ...input, channels: 4 }), 32, 32);
  const diff = maxAbsDiff(tensor.data, outside), db = tensorPsnr(tensor.data, outside);
  log(p, `model output vs onnxruntime-node FP32: max |diff| ${diff.toExponential(2)}, ${db.toFixed(1)} dB`);
  if (minDb != null) assert.ok(db >= minDb, `output ${db.toFixed(1)} dB from the FP32 reference, < ${minDb}`);
  else assert.ok(diff < tol, `max |diff| ${diff} >= ${tol}`);

  // consistency: the output downscaled 4x (MATLAB bicubic) against the input frame
  const pc = await psnrOf(p, 'consistency');
  const out8 = nchwTo8bit(outside, 128, 128);
  const ref = psnrY({ ...downscale4({ width: 128, height: 128, channels: 3, data: out8 }), channels: 3 }, { ...input, channels: 4 });
  log(p, `consistency PSNR: page ${pc.model.toFixed(4)} dB, outside ${ref.toFixed(4)} dB`);
  assert.ok(Math.abs(pc.model - ref) < PSNR_TOL, `consistency PSNR ${pc.model} vs ${ref}`);
  assert.ok(Math.abs(parseFloat(await text(p, 'stat-psnr')) - pc.model) < 0.006);

  // reference: the frame is ground truth; its 4x downscale goes through the model and bicubic
  await p.select('psnr-mode', 'reference');
  await poll('reference mode', () => state(p), (s) => s.psnrMode === 'reference');
  await p.eval(() => window.__sr.idle());
  const pr = await psnrOf(p, 'reference');
  const gt = await readTexture(p, 'frame'), lr = await readTexture(p, 'input');
  assert.deepEqual([gt.width, gt.height, lr.width, lr.height], [32, 32, 8, 8]);
  const cpuLr = downscale4({ ...gt, channels: 4 });
  let maxLr = 0;
  for (let i = 0; i < 64; i++) for (let c = 0; c < 3; c++) maxLr = Math.max(maxLr, Math.abs(cpuLr.data[i * 3 + c] - lr.data[i * 4 + c]));
  assert.ok(maxLr <= 1, `the page's 4x downscale is ${maxLr} levels from the CPU filter's`);
  const o8 = await runModelOutside('full', toNchw({ ...lr, channels: 4 }), 8, 8);
  const modelDb = psnrY({ width: 32, height: 32, channels: 3, data: nchwTo8bit(o8, 32, 32) }, { ...gt, channels: 4 });
  const bicDb = psnrY({ ...bicubicUp4({ ...lr, channels: 4 }), channels: 3 }, { ...gt, channels: 4 });
  log(p, `reference PSNR: model page ${pr.model.toFixed(4)} / outside ${modelDb.toFixed(4)}; bicubic page ${pr.bicubic.toFixed(4)} / outside ${bicDb.toFixed(4)}`);
  assert.ok(Math.abs(pr.model - modelDb) < PSNR_TOL, `reference model PSNR ${pr.model} vs ${modelDb}`);
  assert.ok(Math.abs(pr.bicubic - bicDb) < PSNR_TOL, `reference bicubic PSNR ${pr.bicubic} vs ${bicDb}`);
  await waitText(p, 'stat-psnr-bicubic', /^\d+\.\d\d dB$/);
}

/** The PSNR of the frame on screen in `mode` (it arrives after the frame). */
async function psnrOf(p, mode) {
  const s = await poll(`${mode} PSNR of the frame on screen`, () => state(p), (s) => s.psnr && s.psnr.frameIndex === s.frameIndex && s.psnr.mode === mode);
  return s.psnr;
}

// ------------------------------------------------------------------ (d) bad input

/** tiny32 plays; a bad file gets its message while tiny32 plays on; the next good file plays. */
export async function badInput(p, base, cases, { query = 'backend=wasm' } = {}) {
  await open(p, base, query);
  await p.upload(clip('tiny32.mp4'));
  await waitFrames(p, 1);
  for (const [file, message] of cases) {
    await p.upload(clip(file));
    const t = await waitText(p, 'error-banner', message);
    log(p, `${file}: ${t.replace(/×$/, '')}`);
    assert.ok((await footer(p)).includes('tiny32.mp4 · 32×32'), 'what played is no longer there');
    const s = await state(p);
    assert.equal(s.playing, true);
    await waitFrames(p, 1, s.framesProcessed);
  }
  const before = (await state(p)).framesProcessed;
  await p.upload(clip('tiny48x32.mp4'));
  await waitGone(p, 'error-banner');
  await waitFrames(p, 2, before);
  assert.deepEqual((await state(p)).frame, { width: 48, height: 32 });
}

// ------------------------------------------------------------------ (e) export

/** Throws with the page's message once an export has failed (rather than waiting out the download). */
export async function exportFailed(p) {
  const t = await text(p, 'error-banner');
  if (t && /export failed/.test(t)) assert.fail(t.replace(/×$/, ''));
}

const probe = (f) => JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', f], { encoding: 'utf8' }));
const frameTimes = (f) =>
  execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', f], { encoding: 'utf8' })
    .split('\n').map((l) => l.split(',')[0]).filter((x) => x !== '').map(Number).sort((a, b) => a - b);
function decodeRgb(f, w, h) {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', f, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const n = w * h * 3, frames = [];
  for (let i = 0; i + n <= raw.length; i += n) frames.push(new Uint8Array(raw.buffer, raw.byteOffset + i, n));
  return frames;
}

/** The clip's frames as the player's decoder gives them (stepping a paused player from the start). */
async function decodedFrames(p, n) {
  await pause(p);
  await p.eval(async () => {
    window.__sr.engine.seek(0);
    await window.__sr.idle();
  });
  const frames = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      await p.click('step');
      await poll(`stepped to frame ${i}`, () => state(p), (s) => s.frameIndex === i);
      await p.eval(() => window.__sr.idle());
    }
    frames.push(await readTexture(p, 'frame'));
  }
  return frames;
}

/** Exports av24x16.mp4 (8 frames, H.264 + AAC) with the dialog's choices; `save(p)` returns the
 *  written file's path. Checked from outside with ffprobe/ffmpeg: 4x the size, every frame at the
 *  source's timestamps, a sound track, pixels = the model outside up to the codec's loss. */
export async function exportClip(p, base, save, { expectSound = true, container = null, codec = null, query = 'backend=wasm' } = {}) {
  await open(p, base, `${query}&save=download`);
  await p.upload(clip('av24x16.mp4'));
  await waitFrames(p, 1);
  const frames = await decodedFrames(p, 8);
  await p.click('export');
  await poll('export dialog ready', () => p.eval(() => !document.querySelector('[data-testid=export-start]')?.disabled), (ok) => ok, { timeout: 60_000 });
  // the dialog's model (by default the best-scoring, not necessarily the player's) is the reference
  const model = await exportModel(p);
  const ref = [];
  for (const f of frames) ref.push(nchwTo8bit(await runModelOutside('full', toNchw({ ...f, channels: 4 }), f.width, f.height, model), 96, 64));
  if (container) await p.select('export-container', container);
  if (codec) await p.select('export-codec', codec);
  const dialog = await p.eval(() => {
    const opts = (id) => [...document.querySelectorAll(`[data-testid=${id}] option`)].map((o) => `${o.value}${o.disabled ? ' (disabled)' : ''}`);
    const val = (id) => document.querySelector(`[data-testid=${id}]`)?.value ?? null;
    return { container: val('export-container'), containers: opts('export-container'), codec: val('export-codec'), codecs: opts('export-codec'), sound: document.querySelector('[data-testid=export-sound]')?.textContent ?? null, refused: document.querySelector('[data-testid=export-refused]')?.textContent ?? null };
  });
  log(p, `export dialog: ${JSON.stringify(dialog)}`);
  if (container) assert.equal(dialog.container, container);
  if (codec) assert.equal(dialog.codec, codec);
  if (expectSound) assert.match(dialog.sound, /AAC/);
  const started = Date.now();
  const file = await save(p, () => p.click('export-start'));
  const stat = fs.statSync(file);
  if (process.env.ENGINES_KEEP) fs.copyFileSync(file, path.join(process.env.ENGINES_KEEP, `${p.label ?? p.name}-${path.basename(file)}`));
  log(p, `export: ${path.basename(file)}, ${stat.size} bytes, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const streams = probe(file).streams;
  const v = streams.find((s) => s.codec_type === 'video'), a = streams.find((s) => s.codec_type === 'audio');
  log(p, `ffprobe: ${streams.map((s) => `${s.codec_type}:${s.codec_name}${s.width ? ` ${s.width}x${s.height} ${s.pix_fmt} ${s.color_range ?? '-'}/${s.color_space ?? '-'}/${s.color_primaries ?? '-'}/${s.color_transfer ?? '-'}` : ''}`).join(', ')}`);
  assert.deepEqual([v.width, v.height], [96, 64]);
  if (expectSound) assert.ok(a, 'the export lost the sound');
  const times = frameTimes(file), src = frameTimes(clip('av24x16.mp4'));
  assert.equal(times.length, src.length);
  times.forEach((t, i) => assert.ok(Math.abs(t - src[i]) < 0.001, `frame ${i} at ${t} s, the source's at ${src[i]} s`));
  const got = decodeRgb(file, 96, 64);
  assert.equal(got.length, 8);
  const db = got.map((g, i) => psnrY({ width: 96, height: 64, channels: 3, data: g }, { width: 96, height: 64, channels: 3, data: ref[i] }, 0));
  log(p, `export vs onnxruntime-node on the browser's decoded frames (${v.codec_name}): PSNR-Y ${db.map((x) => x.toFixed(1)).join(' ')} dB`);
  for (const x of db) assert.ok(x > 35, `exported frame ${x.toFixed(1)} dB from the model outside`);
  await waitText(p, 'notice', /exported 8 frames/);
}

/** The model the open export dialog will use (its menu's value, once the plan is in). */
async function exportModel(p) {
  const id = await poll('export model', () => p.eval(() => document.querySelector('[data-testid=export-model]')?.value ?? ''), (v) => v !== '', { timeout: 60_000 });
  log(p, `export model: ${id}`);
  return id;
}

/** A still (no video decoder has run in the page) exports as a 4x PNG equal to the model outside,
 *  on the exact pixels of the source (e2e/export.spec.ts's still check). */
export async function exportStill(p, base, save, { query = 'backend=wasm', fp16 = false, model: pick = null } = {}) {
  await open(p, base, `${query}&save=download`);
  await p.upload(clip('still24x20.png'));
  await waitFrames(p, 1);
  await p.click('export');
  await poll('export dialog ready', () => p.eval(() => !document.querySelector('[data-testid=export-start]')?.disabled), (ok) => ok, { timeout: 60_000 });
  assert.match(await text(p, 'export-dialog'), /as a PNG \(96×80\)/);
  let model = await exportModel(p);
  if (pick && pick !== model) {
    await p.select('export-model', pick);
    model = await exportModel(p);
    assert.equal(model, pick);
  }
  const file = await save(p, () => p.click('export-start'));
  const rgb = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 26 });
  const still = new Uint8Array(fs.readFileSync(clip('still24x20.rgba')));
  const want = nchwTo8bit(await runModelOutside('full', toNchw({ width: 24, height: 20, channels: 4, data: still }), 24, 20, model), 96, 80);
  assert.equal(rgb.length, 96 * 80 * 3);
  let maxd = 0, over1 = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(rgb[i] - want[i]);
    maxd = Math.max(maxd, d);
    if (d > 1) over1++;
  }
  log(p, `PNG still: 96x80, max |png - model outside| = ${maxd} levels, ${over1} of ${want.length} values over 1`);
  // FP16 against the FP32 reference: a rounding step either side, almost everywhere (tests/f16's rule)
  if (fp16) assert.ok(maxd <= 2 && over1 / want.length < 0.01, `the PNG is ${maxd} levels from the model outside (${over1} values over 1)`);
  else assert.ok(maxd <= 1, `the PNG is ${maxd} levels from the model outside`);
}

// ------------------------------------------------------------------ WebGPU FP16 (Firefox on lavapipe)

/** One engine forced on WebGPU (FP16 on lavapipe): `file` plays (or shows, for a still), its output
 *  read back equals onnxruntime-node FP32 to F16_MIN_DB; returns the model times (ms) the page logged. */
export async function webgpuEngine(p, base, engine, file, { frames = 1, w, h }) {
  await open(p, base, `backend=webgpu&engine=${engine}`);
  await waitText(p, 'stat-backend', /^webgpu fp16$/, 10_000);
  assert.equal(await text(p, 'stat-engine'), engine === 'wgsl' ? 'WGSL' : 'onnxruntime-web');
  // every frame, none dropped: falling behind a 60 fps clip would switch the lens on by itself (the
  // model then runs on a crop) and the times are per whole frame
  await p.eval(() => window.__sr.setRealtime(false));
  await p.upload(clip(file));
  await poll(`footer names ${file}`, () => footer(p), (t) => t.includes(file), { timeout: 30_000 });
  const err = () => text(p, 'error-banner');
  await poll(`${frames} frame(s) of ${file} processed`, async () => ({ s: await state(p), err: await err() }), (x) => {
    if (x.err) assert.fail(`${file} refused: ${x.err}`);
    return x.s.framesProcessed >= frames;
  }, { timeout: 300_000 });
  await pause(p);
  const s = await state(p);
  assert.equal(s.engine, engine);
  assert.equal(s.dtype, 'fp16');
  const input = await readTexture(p, 'input');
  assert.deepEqual([input.width, input.height], [w, h]);
  const tensor = await readTensor(p, 'full');
  assert.deepEqual([tensor.width, tensor.height], [4 * w, 4 * h]);
  const outside = await runModelOutside('full', toNchw({ ...input, channels: 4 }), w, h);
  const db = tensorPsnr(tensor.data, outside);
  log(p, `${engine} FP16 on ${file} vs onnxruntime-node FP32: ${db.toFixed(1)} dB (max |diff| ${maxAbsDiff(tensor.data, outside).toExponential(2)})`);
  assert.ok(db >= F16_MIN_DB, `${engine} FP16 output ${db.toFixed(1)} dB from FP32, < ${F16_MIN_DB}`);
  const lat = await p.eval(() => window.__sr.latencies());
  return { model: lat.model, frame: lat.frame, framesProcessed: s.framesProcessed, modelClock: s.modelClock };
}

/** ?engine=auto on WebGPU: the first frame times both engines, the faster that agrees runs the
 *  video (the rule: pick.ts's fasterEngine, pinned by its unit tests); the output = FP32 to F16_MIN_DB.
 *  Returns the page's decision. */
export async function webgpuAuto(p, base) {
  await open(p, base, 'backend=webgpu&engine=auto');
  await waitText(p, 'stat-backend', /^webgpu fp16$/, 10_000);
  await p.upload(clip('tiny32.mp4'));
  await poll('the pick made and frames processed', async () => ({ s: await state(p), err: await text(p, 'error-banner') }), (x) => {
    if (x.err) assert.fail(`tiny32.mp4 refused: ${x.err}`);
    return x.s.engineDecision && x.s.framesProcessed >= 2;
  }, { timeout: 300_000 });
  await pause(p);
  const s = await state(p), d = s.engineDecision;
  log(p, `auto pick at ${d.size.join('x')}: ${JSON.stringify(d.ms)} ms, agreement ${d.agreeDb?.toFixed(1)} dB -> ${d.engine}${d.reason ? ` (${d.reason})` : ''}`);
  assert.deepEqual(d.size, [32, 32]);
  assert.equal(d.reason, null);
  assert.ok(d.agreeDb >= F16_MIN_DB, `the engines agree to ${d.agreeDb} dB only`);
  assert.ok(d.ms.ort > 0 && d.ms.wgsl > 0, 'both engines timed');
  assert.equal(d.engine, pick.fasterEngine(d.ms));
  assert.equal(s.engine, d.engine);
  assert.equal(await text(p, 'stat-engine'), d.engine === 'wgsl' ? 'WGSL' : 'onnxruntime-web');
  const input = await readTexture(p, 'input'), tensor = await readTensor(p, 'full');
  const outside = await runModelOutside('full', toNchw({ ...input, channels: 4 }), 32, 32);
  const db = tensorPsnr(tensor.data, outside);
  log(p, `auto (${d.engine}) FP16 vs onnxruntime-node FP32: ${db.toFixed(1)} dB`);
  assert.ok(db >= F16_MIN_DB, `auto (${d.engine}) FP16 output ${db.toFixed(1)} dB from FP32, < ${F16_MIN_DB}`);
  return d;
}
