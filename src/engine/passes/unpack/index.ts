import code from './unpack.wgsl?raw';
import { computePipeline } from '../../gpu/pipelines';
import { destroyBuffer, dispatch, uniformBuffer } from '../../gpu/resources';
import type { DType } from '../../inference/types';
import type { ViewMode } from '../../params';
import { computePass, type GpuStageOf } from '../stage';
const MODE: Record<ViewMode, number> = { full: 0, low: 1, high: 2 };

/** Where a tensor goes: its size, and the region of it written into the texture at `dst`. */
export interface UnpackRect {
  tensor: [number, number];
  size: [number, number];
  src: [number, number];
  dst: [number, number];
}

/** What one unpack draws: the model's tensors (they change every frame: ORT hands out its own
 *  buffers), the view, and where (`rect`; absent: the whole of dst). `dtype`: the tensors' precision
 *  when it is not the one made for (a model of the other precision: the A/B view, a user's model). */
export interface UnpackParams {
  full: GPUBuffer;
  low: GPUBuffer | null;
  mode: ViewMode;
  gain: number;
  rect?: UnpackRect;
  dtype?: DType;
}

/** Output tensor buffer(s) -> dst (RGBA8, the output size). The tensors change every frame, so the
 *  bind group is made per set. */
export class UnpackPass implements GpuStageOf<UnpackParams> {
  private readonly pipeline: GPUComputePipeline;
  private readonly params: GPUBuffer;
  private bindGroup: GPUBindGroup | null = null;
  private label = 'unpack';
  private groups: [number, number] = [0, 0];

  constructor(private readonly device: GPUDevice, readonly dst: GPUTexture, private readonly dtype: DType) {
    this.pipeline = computePipeline(device, 'unpack-nchw', code);
    // tensor, size, src, dst (4 x 2 u32) + fp16 + mode + gain + padding = 48 bytes
    this.params = uniformBuffer(device, 'unpack params', new ArrayBuffer(48));
  }

  set({ full, low, mode, gain, rect, dtype = this.dtype }: UnpackParams): void {
    if (mode !== 'full' && !low) throw new Error(`view ${mode} needs the low-frequency output`);
    const whole: [number, number] = [this.dst.width, this.dst.height];
    const r = rect ?? { tensor: whole, size: whole, src: [0, 0], dst: [0, 0] };
    const data = new ArrayBuffer(48);
    new Uint32Array(data, 0, 10).set([...r.tensor, ...r.size, ...r.src, ...r.dst, dtype === 'fp16' ? 1 : 0, MODE[mode]]);
    new Float32Array(data, 40, 1)[0] = gain;
    this.device.queue.writeBuffer(this.params, 0, data);
    this.bindGroup = this.device.createBindGroup({
      label: 'unpack',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: { buffer: full } },
        { binding: 2, resource: { buffer: low ?? full } },
        { binding: 3, resource: this.dst.createView() },
      ],
    });
    this.label = `unpack ${mode}`;
    this.groups = [dispatch(r.size[0], 8), dispatch(r.size[1], 8)];
  }

  encode(enc: GPUCommandEncoder): void {
    if (!this.bindGroup) throw new Error('unpack: set() its tensors first');
    computePass(enc, this.label, this.pipeline, this.bindGroup, this.groups);
  }

  dispose(): void {
    destroyBuffer(this.params);
  }
}
