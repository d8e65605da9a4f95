// The one set-up of every WebGPU run outside a browser: the GPU machine's benchmarks (Node + Dawn for
// Node, bench/gpu/*) and the FP16 test on a software adapter (Deno's own WebGPU, wgpu on Mesa's
// lavapipe, tests/f16). Both run the player's own code from the bundle (bench/lib/bundle.mjs):
// the device comes from the player's createGpu() (same features and limits as on the page), once
// navigator.gpu is there: Deno has its own (`deno run --unstable-webgpu`); under Node it is
// installed from dawn.node. onnxruntime-web is the instance the bundle imports.
// Node/Deno built-ins only: the GPU machine has no node_modules.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** 'deno' or 'node': which runtime this is. */
export const runtime = typeof globalThis.Deno !== 'undefined' ? 'deno' : 'node';

/** navigator.gpu: Deno's own, or (Node) Dawn for Node's from the dawn.node at `dawnPath`. */
export function installNavigatorGpu(dawnPath) {
  if (globalThis.navigator?.gpu) return globalThis.navigator.gpu;
  if (runtime === 'deno') throw new Error('Deno has no navigator.gpu: run it with --unstable-webgpu');
  if (!dawnPath) throw new Error('no navigator.gpu: give the path of dawn.node (npm webgpu, --dawn PATH)');
  const require = createRequire(import.meta.url);
  const { create, globals } = require(path.resolve(dawnPath));
  Object.assign(globalThis, globals);
  const gpu = (globalThis.__gpuInstance = create([])); // keep referenced (dawn.node crashes if it is collected)
  if (typeof globalThis.navigator === 'undefined') globalThis.navigator = {};
  try { Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true }); } catch { globalThis.navigator.gpu = gpu; }
  return gpu;
}

/** The player bundle (bench/lib/bundle.mjs) as a module. */
export const loadBundle = (file) => import(pathToFileURL(path.resolve(file)).href);

/** What a results file names the runtime by. */
export function runtimeVersion() {
  return runtime === 'deno' ? `deno ${globalThis.Deno.version.deno} (wgpu)` : `node ${process.version} (dawn.node)`;
}

/**
 * The player's own device (its createGpu(): shader-f16, timestamp-query and subgroups where the
 * adapter has them, the adapter's buffer and workgroup limits), after installing navigator.gpu.
 * Returns createGpu's { adapter, device, f16, description } plus desc (= description) and runtime.
 */
export async function playerGpu(bundle, { dawn } = {}) {
  installNavigatorGpu(dawn);
  const g = await bundle.createGpu();
  const { device } = g;
  device.addEventListener?.('uncapturederror', (e) => console.error('uncapturederror', e.error?.message));
  if (runtime === 'node') {
    // ORT hands writeBuffer views of its wasm heap (maybe SharedArrayBuffer); dawn.node wants copies
    const q = device.queue, orig = q.writeBuffer.bind(q);
    q.writeBuffer = (b, o, d, dof, sz) => {
      if (typeof SharedArrayBuffer !== 'undefined') {
        if (d instanceof SharedArrayBuffer) d = new Uint8Array(d).slice();
        else if (ArrayBuffer.isView(d) && d.buffer instanceof SharedArrayBuffer) d = d.slice();
      }
      return dof === undefined ? orig(b, o, d) : sz === undefined ? orig(b, o, d, dof) : orig(b, o, d, dof, sz);
    };
  }
  return { ...g, desc: g.description, runtime };
}

/** onnxruntime-web as the bundle imports it, given its WASM binary (ort-wasm-simd-threaded.asyncify.wasm
 *  in `ortDir`) and configured by the player's configureOrt (one thread: no workers outside a page). */
export function setupOrt(bundle, ortDir) {
  const ort = bundle.ort;
  Object.assign(ort.env.wasm, { proxy: false, wasmBinary: fs.readFileSync(path.join(ortDir, 'ort-wasm-simd-threaded.asyncify.wasm')) });
  bundle.configureOrt(pathToFileURL(ortDir + path.sep).href, 1);
  return ort;
}

/** The manifest of `modelsDir`. */
export const readManifest = (modelsDir) => JSON.parse(fs.readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8'));

/** A model's manifest entry and its raw WGSL-engine weights (ArrayBuffer). */
export function loadModel(modelsDir, id) {
  const m = readManifest(modelsDir).models.find((x) => x.id === id);
  if (!m?.weights) throw new Error(`${id}: not in ${modelsDir}/manifest.json or has no weights file`);
  const raw = fs.readFileSync(path.join(modelsDir, m.weights.file));
  return { m, weights: raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) };
}

/** The player's ModelBytes for files in `modelsDir` (`override`: name -> bytes, e.g. a corrupted copy). */
export const modelBytes = (modelsDir, override = {}) => async (file) => override[file] ?? new Uint8Array(fs.readFileSync(path.join(modelsDir, file)));

/** The player's two runners for model `m` at `dtype`: onnxruntime-web (ModelRunner, WebGPU EP, IO on
 *  the GPU) and our WGSL engine (WgslRunner), as src/engine/models/models.ts makes them. */
export function ortRunner(bundle, device, modelsDir, m, dtype, override) {
  const files = { full: m[dtype], low: m.low?.[dtype] ?? null };
  return bundle.ModelRunner.create('webgpu', dtype, device, files, modelBytes(modelsDir, override));
}
export function wgslRunner(bundle, device, m, weights, dtype, opts) {
  return bundle.WgslRunner.create(device, dtype, weights, m.weights.convs, bundle.activationSlope(m.weights.act, m.weights.slope), opts);
}

/** The player's GpuFrameProcessor running `runner`, drawing into `targets` (null: no display). */
export function frameProcessor(bundle, device, runner, targets = null) {
  const p = new bundle.GpuFrameProcessor(device, runner.dtype, targets);
  p.setRunner(runner);
  return p;
}
