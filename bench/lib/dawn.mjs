// A WebGPU device in Node through Dawn (the npm `webgpu` package's dawn.node), onnxruntime-web on it,
// and the committed models: what the GPU machine, which has no browser, runs the benchmarks with.
// Node built-ins only (no node_modules there).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Installs navigator.gpu and the WebGPU globals, and returns a device with the player's features
 *  (shader-f16, timestamp-query where offered) and the adapter's own buffer limits. */
export async function dawnDevice(dawnPath) {
  const require = createRequire(import.meta.url);
  const { create, globals } = require(dawnPath);
  Object.assign(globalThis, globals);
  const gpu = (globalThis.__gpuInstance = create([])); // keep referenced (dawn.node crashes if it is collected)
  if (typeof globalThis.navigator === 'undefined') globalThis.navigator = {};
  try { Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true }); } catch { globalThis.navigator.gpu = gpu; }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter (Vulkan driver missing? set VK_DRIVER_FILES)');
  const f16 = adapter.features.has('shader-f16');
  const L = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: ['shader-f16', 'timestamp-query'].filter((f) => adapter.features.has(f)),
    requiredLimits: { maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxBufferSize: L.maxBufferSize },
  });
  device.addEventListener?.('uncapturederror', (e) => console.error('uncapturederror', e.error?.message));
  // ORT hands writeBuffer views of its wasm heap (maybe SharedArrayBuffer); dawn.node wants copies
  const q = device.queue, orig = q.writeBuffer.bind(q);
  q.writeBuffer = (b, o, d, dof, sz) => {
    if (typeof SharedArrayBuffer !== 'undefined') {
      if (d instanceof SharedArrayBuffer) d = new Uint8Array(d).slice();
      else if (ArrayBuffer.isView(d) && d.buffer instanceof SharedArrayBuffer) d = d.slice();
    }
    return dof === undefined ? orig(b, o, d) : sz === undefined ? orig(b, o, d, dof) : orig(b, o, d, dof, sz);
  };
  const info = adapter.info ?? {};
  const desc = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  return { gpu, adapter, device, f16, desc };
}

/** onnxruntime-web's WebGPU bundle from `ortDir` (ort.webgpu.bundle.min.mjs + its wasm), set up for Node. */
export async function loadOrt(ortDir) {
  const ort = await import(pathToFileURL(path.join(ortDir, 'ort.webgpu.bundle.min.mjs')).href);
  Object.assign(ort.env.wasm, { numThreads: 1, proxy: false, wasmBinary: fs.readFileSync(path.join(ortDir, 'ort-wasm-simd-threaded.asyncify.wasm')) });
  ort.env.logLevel = 'error';
  return ort;
}

/** A committed model's manifest entry and its raw WGSL-engine weights (ArrayBuffer). */
export function loadModel(modelsDir, id) {
  const m = JSON.parse(fs.readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')).models.find((x) => x.id === id);
  if (!m?.weights) throw new Error(`${id}: not in ${modelsDir}/manifest.json or has no weights file`);
  const raw = fs.readFileSync(path.join(modelsDir, m.weights.file));
  return { m, weights: raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) };
}

/** An onnxruntime-web session of `m` at `dtype` on `device`, with the player's options (IO on the GPU). */
export function ortSession(ort, device, modelsDir, m, dtype) {
  return ort.InferenceSession.create(fs.readFileSync(path.join(modelsDir, m[dtype])), {
    executionProviders: [{ name: 'webgpu', device }], preferredOutputLocation: 'gpu-buffer', graphOptimizationLevel: 'all' });
}
