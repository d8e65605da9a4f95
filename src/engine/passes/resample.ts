import { computePipeline } from '../gpu/pipelines';
import { destroyBuffer, dispatch, uniformBuffer } from '../gpu/resources';
import { computePass, type GpuStage } from './stage';

/** A texture -> texture compute pass with one uniform block (binding 0, src 1, dst 2), one
 *  invocation per dst pixel in 8x8 workgroups: the shape the 4x resamplers share. */
export class ResamplePass implements GpuStage {
  private readonly pipeline: GPUComputePipeline;
  private readonly params: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;

  constructor(device: GPUDevice, private readonly label: string, code: string, params: ArrayBuffer | Uint32Array, src: GPUTexture, readonly dst: GPUTexture) {
    this.pipeline = computePipeline(device, `${label}4`, code);
    this.params = uniformBuffer(device, `${label} params`, params);
    this.bindGroup = device.createBindGroup({
      label,
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: src.createView() },
        { binding: 2, resource: dst.createView() },
      ],
    });
  }

  encode(enc: GPUCommandEncoder): void {
    computePass(enc, this.label, this.pipeline, this.bindGroup, [dispatch(this.dst.width, 8), dispatch(this.dst.height, 8)]);
  }

  dispose(): void {
    destroyBuffer(this.params);
  }
}
