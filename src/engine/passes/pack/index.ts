import code from './pack.wgsl?raw';
import { computePipeline, grid } from '../../gpu/pipelines';
import { createBuffer, destroyBuffer, dispatch, uniformBuffer } from '../../gpu/resources';
import type { DType } from '../../inference/types';
import { computePass, type GpuStageOf } from '../stage';

/** Bytes of a [1,3,h,w] tensor, padded to 4. */
export const tensorBytes = (w: number, h: number, dtype: DType) => Math.ceil((3 * w * h * (dtype === 'fp16' ? 2 : 4)) / 4) * 4;

/** A region of a texture (default: all of it). */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** src texture (or a region of it) -> `output`, a GPUBuffer holding the NCHW input tensor (ORT binds it
 *  directly). The region may change per frame (the lens), within the one it was made for. */
export class PackPass implements GpuStageOf<Region | null> {
  readonly output: GPUBuffer;
  region: Region;
  private readonly whole: Region;
  private readonly device: GPUDevice;
  private readonly pipeline: GPUComputePipeline;
  private readonly params: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private groups: [number, number];

  constructor(device: GPUDevice, src: GPUTexture, readonly dtype: DType, region?: Region) {
    this.device = device;
    this.region = this.whole = region ?? { x: 0, y: 0, width: src.width, height: src.height };
    const { x, y, width: w, height: h } = this.region;
    this.pipeline = computePipeline(device, 'pack-nchw', code);
    this.output = createBuffer(device, {
      label: `model input ${dtype} 1x3x${h}x${w}`,
      size: tensorBytes(w, h, dtype),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    // size (2 u32) + origin (2 u32) + fp16 flag + 3 padding = 32 bytes
    this.params = uniformBuffer(device, 'pack params', new Uint32Array([w, h, x, y, dtype === 'fp16' ? 1 : 0, 0, 0, 0]));
    this.bindGroup = device.createBindGroup({
      label: 'pack',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: src.createView() },
        { binding: 2, resource: { buffer: this.output } },
      ],
    });
    this.groups = grid(dispatch(this.output.size / 4, 256));
  }

  /** Packs `r` (a sub-region of the one made for; null: that one) from the next encode on: the
   *  tensor then holds r's 1x3xHxW at the start of `output`. */
  set(r: Region | null): void {
    const n = r ?? this.whole;
    if (n.width > this.whole.width || n.height > this.whole.height) throw new Error('pack region larger than its buffer');
    if (n.x === this.region.x && n.y === this.region.y && n.width === this.region.width && n.height === this.region.height) return;
    this.region = n;
    this.device.queue.writeBuffer(this.params, 0, new Uint32Array([n.width, n.height, n.x, n.y, this.dtype === 'fp16' ? 1 : 0, 0, 0, 0]));
    this.groups = grid(dispatch(tensorBytes(n.width, n.height, this.dtype) / 4, 256));
  }

  encode(enc: GPUCommandEncoder): void {
    computePass(enc, 'pack', this.pipeline, this.bindGroup, this.groups);
  }

  dispose(): void {
    destroyBuffer(this.params);
    destroyBuffer(this.output);
  }
}
