import code from './bicubic.wgsl?raw';
import { computePipeline } from '../../gpu/pipelines';
import { destroyBuffer, dispatch, uniformBuffer } from '../../gpu/resources';

/** src (w x h) -> dst (4w x 4h), Keys bicubic, 8-bit. */
export class BicubicPass {
  private readonly pipeline: GPUComputePipeline;
  private readonly params: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;

  constructor(device: GPUDevice, src: GPUTexture, readonly dst: GPUTexture) {
    this.pipeline = computePipeline(device, 'bicubic4', code);
    this.params = uniformBuffer(device, 'bicubic params', new Uint32Array([src.width, src.height, dst.width, dst.height]));
    this.bindGroup = device.createBindGroup({
      label: 'bicubic',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: src.createView() },
        { binding: 2, resource: dst.createView() },
      ],
    });
  }

  encode(enc: GPUCommandEncoder): void {
    const p = enc.beginComputePass({ label: 'bicubic' });
    p.setPipeline(this.pipeline);
    p.setBindGroup(0, this.bindGroup);
    p.dispatchWorkgroups(dispatch(this.dst.width, 8), dispatch(this.dst.height, 8));
    p.end();
  }

  dispose(): void {
    destroyBuffer(this.params);
  }
}
