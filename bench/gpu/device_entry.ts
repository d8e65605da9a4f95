// What the GPU machine's benchmarks take from the player, bundled into one ES module with the WGSL
// inlined (`node bench/wgsl-engine.mjs --build-engine FILE`; bench/gpu/pack.sh does it): our WGSL
// engine (bench/wgsl-engine.mjs --dawn) and the frame path around the model (bench/gpu/frame_bench.mjs).
export { WgslRunner } from '../../src/engine/inference/wgsl';
export { Resources } from '../../src/engine/frame';
export { PresentPass } from '../../src/engine/passes/present';
export { psnrFromSse } from '../../src/engine/filters';
