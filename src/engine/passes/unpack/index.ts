import code from './unpack.wgsl?raw';
import { computePipeline } from '../../gpu/pipelines';
import { destroyBuffer, dispatch, uniformBuffer } from '../../gpu/resources';
import type { DType } from '../../inference/types';
import type { ViewMode } from '../../params';
const MODE: Record<ViewMode, number> = { full: 0, low: 1, high: 2 };

/** Where a tensor goes: its size, and the region of it written into the texture at `dst`. */
export interface UnpackRect {
  tensor: [number, number];
  size: [number, number];
  src: [number, number];
  dst: [number, number];
}

/** Output tensor buffer(s) -> dst (RGBA8, the output size). The tensors change every frame
 *  (ORT hands out its own buffers), so the bind group is made per call. */
export class UnpackPass {
  private readonly pipeline: GPUComputePipeline;
  private readonly params: GPUBuffer;

  constructor(private readonly device: GPUDevice, readonly dst: GPUTexture, private readonly dtype: DType) {
    this.pipeline = computePipeline(device, 'unpack-nchw', code);
    // tensor, size, src, dst (4 x 2 u32) + fp16 + mode + gain + padding = 48 bytes
    this.params = uniformBuffer(device, 'unpack params', new ArrayBuffer(48));
  }

  /** The tensor (dst's size, or `rect`) into dst; `dtype`: the tensors' precision when it is not
   *  the one made for (a model of the other precision: the A/B view, a user's model). */
  encode(enc: GPUCommandEncoder, full: GPUBuffer, low: GPUBuffer | null, mode: ViewMode, gain: number, rect?: UnpackRect, dtype: DType = this.dtype): void {
    if (mode !== 'full' && !low) throw new Error(`view ${mode} needs the low-frequency output`);
    const whole: [number, number] = [this.dst.width, this.dst.height];
    const r = rect ?? { tensor: whole, size: whole, src: [0, 0], dst: [0, 0] };
    const data = new ArrayBuffer(48);
    new Uint32Array(data, 0, 10).set([...r.tensor, ...r.size, ...r.src, ...r.dst, dtype === 'fp16' ? 1 : 0, MODE[mode]]);
    new Float32Array(data, 40, 1)[0] = gain;
    this.device.queue.writeBuffer(this.params, 0, data);
    const bg = this.device.createBindGroup({
      label: 'unpack',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: { buffer: full } },
        { binding: 2, resource: { buffer: low ?? full } },
        { binding: 3, resource: this.dst.createView() },
      ],
    });
    const p = enc.beginComputePass({ label: `unpack ${mode}` });
    p.setPipeline(this.pipeline);
    p.setBindGroup(0, bg);
    p.dispatchWorkgroups(dispatch(r.size[0], 8), dispatch(r.size[1], 8));
    p.end();
  }

  dispose(): void {
    destroyBuffer(this.params);
  }
}
