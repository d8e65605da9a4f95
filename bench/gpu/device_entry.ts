// What the GPU machine's benchmarks take from the player, bundled into one ES module with the WGSL
// inlined (`node bench/wgsl-engine.mjs --build-engine FILE`; bench/gpu/pack.sh does it): our WGSL
// engine (bench/wgsl-engine.mjs --dawn), the frame path around the model (bench/gpu/frame_bench.mjs),
// and the player's own helpers both use, so the benchmarks compute as the player does.
export { WgslRunner } from '../../src/engine/inference/wgsl';
export { activationSlope } from '../../src/engine/inference/wgsl/layout';
export { psnrDb } from '../../src/engine/inference/wgsl/pick';
export { Resources } from '../../src/engine/frame';
export { PresentPass } from '../../src/engine/passes/present';
export { psnrFromSse } from '../../src/engine/filters';
export { f32ToF16Bits, halfToFloat } from '../../src/engine/gpu/half';
export { readBuffer } from '../../src/engine/gpu/resources';
