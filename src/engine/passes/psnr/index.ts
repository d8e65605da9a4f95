import sseCode from './sse.wgsl?raw';
import sumCode from './sum.wgsl?raw';
import { computePipeline } from '../../gpu/pipelines';
import { createBuffer, destroyBuffer, dispatch, uniformBuffer } from '../../gpu/resources';
import type { GpuStage, GpuStageOf } from '../stage';

export const SHAVE = 4;
export const MAX_SLOTS = 4;

/** Sum of squared Y differences of a and b over their common top-left region minus a SHAVE
 *  border, written as one f32 into `results[slot]`. `count` is the number of compared pixels. */
export class SsePass implements GpuStageOf<{ x: number; y: number; width: number; height: number } | null> {
  count: number;
  private readonly whole: [number, number, number, number];
  private readonly device: GPUDevice;
  private readonly ssePipe: GPUComputePipeline;
  private readonly sumPipe: GPUComputePipeline;
  private readonly partial: GPUBuffer;
  private readonly params: GPUBuffer[] = [];
  private readonly bg1: GPUBindGroup;
  private readonly bg2: GPUBindGroup;
  private readonly groups: [number, number];

  constructor(device: GPUDevice, a: GPUTexture, b: GPUTexture, results: GPUBuffer, readonly slot: number) {
    this.device = device;
    const w = Math.min(a.width, b.width), h = Math.min(a.height, b.height);
    const rw = Math.max(0, w - 2 * SHAVE), rh = Math.max(0, h - 2 * SHAVE);
    this.count = rw * rh;
    this.whole = [SHAVE, SHAVE, SHAVE + rw, SHAVE + rh];
    this.groups = [Math.max(1, dispatch(rw, 16)), Math.max(1, dispatch(rh, 16))];
    const nPartial = this.groups[0] * this.groups[1];
    this.ssePipe = computePipeline(device, 'psnr-sse', sseCode);
    this.sumPipe = computePipeline(device, 'psnr-sum', sumCode);
    this.partial = createBuffer(device, { label: 'psnr partials', size: nPartial * 4, usage: GPUBufferUsage.STORAGE });
    this.params.push(uniformBuffer(device, 'sse params', new Uint32Array([SHAVE, SHAVE, SHAVE + rw, SHAVE + rh])));
    this.params.push(uniformBuffer(device, 'sum params', new Uint32Array([nPartial, slot])));
    this.bg1 = device.createBindGroup({
      label: 'psnr sse',
      layout: this.ssePipe.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params[0] } },
        { binding: 1, resource: a.createView() },
        { binding: 2, resource: b.createView() },
        { binding: 3, resource: { buffer: this.partial } },
      ],
    });
    this.bg2 = device.createBindGroup({
      label: 'psnr sum',
      layout: this.sumPipe.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params[1] } },
        { binding: 1, resource: { buffer: this.partial } },
        { binding: 2, resource: { buffer: results } },
      ],
    });
  }

  /** Compares only `r` (x, y, width, height, within the images) minus a SHAVE border from the next
   *  encode on (the lens); null: the whole images again. Workgroups past the region add zeros. */
  set(r: { x: number; y: number; width: number; height: number } | null): void {
    const q: [number, number, number, number] = r
      ? [r.x + SHAVE, r.y + SHAVE, Math.max(r.x + SHAVE, r.x + r.width - SHAVE), Math.max(r.y + SHAVE, r.y + r.height - SHAVE)]
      : this.whole;
    this.count = (q[2] - q[0]) * (q[3] - q[1]);
    this.device.queue.writeBuffer(this.params[0], 0, new Uint32Array(q));
  }

  encode(enc: GPUCommandEncoder): void {
    const p = enc.beginComputePass({ label: 'psnr' });
    p.setPipeline(this.ssePipe);
    p.setBindGroup(0, this.bg1);
    p.dispatchWorkgroups(...this.groups);
    p.setPipeline(this.sumPipe);
    p.setBindGroup(0, this.bg2);
    p.dispatchWorkgroups(1);
    p.end();
  }

  dispose(): void {
    destroyBuffer(this.partial);
    for (const b of this.params) destroyBuffer(b);
  }
}

/** The results buffer (MAX_SLOTS f32) and a small pool of map buffers: encode copies the sums out,
 *  read() maps them later, never blocking the frame loop. When every map buffer is still in flight
 *  the frame's PSNR is skipped. */
export class SseReadback implements GpuStage {
  readonly results: GPUBuffer;
  private readonly free: GPUBuffer[] = [];
  private readonly all: GPUBuffer[] = [];
  /** the map buffer the last encode copied into (null: none was free) */
  private copied: GPUBuffer | null = null;
  private disposed = false;

  constructor(device: GPUDevice, poolSize = 3) {
    this.results = createBuffer(device, {
      label: 'psnr results',
      size: MAX_SLOTS * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    for (let i = 0; i < poolSize; i++) {
      const b = createBuffer(device, { label: `psnr map ${i}`, size: MAX_SLOTS * 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      this.free.push(b);
      this.all.push(b);
    }
  }

  /** Records the copy of the sums into a free map buffer (none free: nothing). */
  encode(enc: GPUCommandEncoder): void {
    const buf = (this.copied = this.free.pop() ?? null);
    if (buf) enc.copyBufferToBuffer(this.results, 0, buf, 0, MAX_SLOTS * 4);
  }

  /** After the submit that holds encode(): the sums it copied, once mapped (never, when the device is
   *  lost or this is disposed first); null when no map buffer was free. */
  read(): Promise<Float32Array> | null {
    const buf = this.copied;
    this.copied = null;
    if (!buf) return null;
    return new Promise((resolve) => {
      buf.mapAsync(GPUMapMode.READ).then(
        () => {
          if (this.disposed) return;
          const sums = new Float32Array(buf.getMappedRange().slice(0));
          buf.unmap();
          this.free.push(buf);
          resolve(sums);
        },
        () => {
          /* device lost or disposed: drop this frame's value */
        },
      );
    });
  }

  dispose(): void {
    this.disposed = true;
    destroyBuffer(this.results);
    for (const b of this.all) destroyBuffer(b);
  }
}
