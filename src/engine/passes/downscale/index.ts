import code from './downscale.wgsl?raw';
import { downscaleWeights } from '../../filters';
import { computePipeline } from '../../gpu/pipelines';
import { destroyBuffer, dispatch, uniformBuffer } from '../../gpu/resources';

/** src (its top-left 4*floor(w/4) x 4*floor(h/4)) -> dst (w/4 x h/4), MATLAB bicubic, 8-bit. */
export class DownscalePass {
  private readonly pipeline: GPUComputePipeline;
  private readonly params: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;

  constructor(device: GPUDevice, src: GPUTexture, readonly dst: GPUTexture) {
    this.pipeline = computePipeline(device, 'downscale4', code);
    const w = downscaleWeights();
    // 16 f32 weights + src_size (2 u32) + dst_size (2 u32) = 80 bytes
    const data = new ArrayBuffer(80);
    new Float32Array(data, 0, 16).set(w);
    new Uint32Array(data, 64, 4).set([dst.width * 4, dst.height * 4, dst.width, dst.height]);
    this.params = uniformBuffer(device, 'downscale params', data);
    this.bindGroup = device.createBindGroup({
      label: 'downscale',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: src.createView() },
        { binding: 2, resource: dst.createView() },
      ],
    });
  }

  encode(enc: GPUCommandEncoder): void {
    const p = enc.beginComputePass({ label: 'downscale' });
    p.setPipeline(this.pipeline);
    p.setBindGroup(0, this.bindGroup);
    p.dispatchWorkgroups(dispatch(this.dst.width, 8), dispatch(this.dst.height, 8));
    p.end();
  }

  dispose(): void {
    destroyBuffer(this.params);
  }
}
