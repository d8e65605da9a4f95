// What the runs outside a browser take from the player, bundled into one ES module with the WGSL
// inlined (bench/lib/bundle.mjs builds it; bench/gpu/pack.sh for the GPU machine, tests/f16 for the
// FP16 test on lavapipe): the player's device set-up (createGpu), its frame path
// (GpuFrameProcessor) and both engines behind it (ModelRunner: onnxruntime-web; WgslRunner: ours;
// AutoRunner: the pick), with the helpers they use, so the benchmarks and the test run the code the
// page runs. onnxruntime-web stays outside the bundle: the bundle imports it from
// ./ort/ort.webgpu.bundle.min.mjs beside itself, and re-exports it as `ort` so that the harness
// configures that very instance (its WASM binary, threads).
export * as ort from 'onnxruntime-web/webgpu';
export { createGpu } from '../../src/engine/gpu/device';
export { GpuFrameProcessor } from '../../src/engine/pipeline/gpu';
export { ModelRunner, configureOrt } from '../../src/engine/inference';
export { WgslRunner, stageSources } from '../../src/engine/inference/wgsl';
export { AutoRunner } from '../../src/engine/inference/auto';
export { activationSlope } from '../../src/engine/inference/wgsl/layout';
export { AGREE_DB, psnrDb } from '../../src/engine/inference/wgsl/pick';
export { psnrFromSse } from '../../src/engine/metrics/filters';
export { f32ToF16Bits, halfToFloat } from '../../src/engine/gpu/half';
export { counters, readBuffer } from '../../src/engine/gpu/resources';
