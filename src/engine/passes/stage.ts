// One shape for every GPU stage (each folder here), as Anime4K-WebGPU's passes and webgpu-samples':
// the constructor allocates everything (textures, buffers, pipeline, bind groups) and names what the
// stage reads and writes; `set` takes what changes per frame (a crop, a view, the model's tensors, a
// picture), kept until set again; `encode` only records commands into the caller's encoder;
// `dispose` releases what the constructor made. A new frame size or mode builds new stages
// (pipeline/stages.ts lists them in the order they run).

export interface GpuStage {
  encode(enc: GPUCommandEncoder): void;
  dispose(): void;
}

/** A stage with parameters per frame: `set(p)` before `encode`. */
export interface GpuStageOf<P> extends GpuStage {
  set(p: P): void;
}

/** Records `stages` in order into `enc` (null, false: a stage this frame skips). */
export function encodeStages(enc: GPUCommandEncoder, stages: Iterable<GpuStage | null | false | undefined>): void {
  for (const s of stages) if (s) s.encode(enc);
}

/** Records one compute pass: `pipeline` with `bindGroup` as group 0, over x by y workgroups (the
 *  body of most stages' encode). */
export function computePass(enc: GPUCommandEncoder, label: string, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, [x, y]: readonly [number, number]): void {
  const p = enc.beginComputePass({ label });
  p.setPipeline(pipeline);
  p.setBindGroup(0, bindGroup);
  p.dispatchWorkgroups(x, y);
  p.end();
}
