import code from './planes.wgsl?raw';
import { computePipeline } from '../../gpu/pipelines';
import { createBuffer, createTexture, destroyBuffer, destroyTexture, dispatch } from '../../gpu/resources';
import { planesMatrix } from '../../pipeline/yuv';
import { computePass, type GpuStageOf } from '../stage';

/** The frame formats the planes shader converts, and its mode for each (planes.wgsl). */
const MODES: Partial<Record<VideoPixelFormat, number>> = { I420: 0, NV12: 1, RGBA: 2, BGRA: 3, RGBX: 4, BGRX: 5 };

/** Whether `planes` can convert this frame: a format it knows, shown as decoded (no rotation, flip
 *  or anamorphic scaling, which the browser's own conversion applies). */
export function planesTake(f: VideoFrame): boolean {
  const r = f.visibleRect, turned = f as VideoFrame & { rotation?: number; flip?: boolean };
  return f.format != null && MODES[f.format] !== undefined && !!r && !turned.rotation && !turned.flip && f.displayWidth === r.width && f.displayHeight === r.height;
}

/** A decoded frame's planes, copied out (VideoFrame.copyTo) and converted to RGBA on the GPU: the
 *  upload for browsers whose copyExternalImageToTexture does not take a VideoFrame. */
export class PlanesUpload implements GpuStageOf<VideoFrame> {
  private readonly params: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private bytes = new Uint8Array(0);
  /** the plane textures and their bind group, for one format (remade when it changes) */
  private planes: { format: VideoPixelFormat; textures: GPUTexture[]; bind: GPUBindGroup } | null = null;

  constructor(private readonly device: GPUDevice, private readonly output: GPUTexture) {
    this.pipeline = computePipeline(device, 'planes', code);
    this.params = createBuffer(device, { label: 'planes params', size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** Copies the frame's planes out and writes them to the plane textures; the frame may be closed
   *  once this resolves. The next encode records their conversion into `output`. */
  async set(f: VideoFrame): Promise<void> {
    const n = f.allocationSize();
    // a 1024x1024 I420 frame is 1.5 MB: allocated every frame, it keeps the garbage collector busy
    if (this.bytes.length < n) this.bytes = new Uint8Array(n);
    const layout = await f.copyTo(this.bytes);
    const format = f.format!, mode = MODES[format]!, w = this.output.width, h = this.output.height;
    const cw = (w + 1) >> 1, ch = (h + 1) >> 1;
    const p = this.ensurePlanes(format, cw, ch);
    const sizes = mode >= 2 ? [[w, h]] : mode === 1 ? [[w, h], [cw, ch]] : [[w, h], [cw, ch], [cw, ch]];
    p.textures.forEach((t, i) => {
      if (!sizes[i]) return;
      const [pw, ph] = sizes[i];
      this.device.queue.writeTexture({ texture: t }, this.bytes as GPUAllowSharedBufferSource, { offset: layout[i].offset, bytesPerRow: layout[i].stride, rowsPerImage: ph }, { width: pw, height: ph });
    });
    const m = planesMatrix(f.colorSpace.toJSON()) ?? { yk: 65536, yo: 0, kr: 0, kgu: 0, kgv: 0, kb: 0 };
    const data = new ArrayBuffer(48), q = 1 / 65536;
    new Float32Array(data, 0, 6).set([m.yk * q, m.yo, m.kr * q, m.kgu * q, m.kgv * q, m.kb * q]);
    new Uint32Array(data, 24, 6).set([mode, 0, w, h, cw, ch]);
    this.device.queue.writeBuffer(this.params, 0, data);
  }

  encode(enc: GPUCommandEncoder): void {
    if (!this.planes) return;
    computePass(enc, 'planes', this.pipeline, this.planes.bind, [dispatch(this.output.width, 8), dispatch(this.output.height, 8)]);
  }

  private ensurePlanes(format: VideoPixelFormat, cw: number, ch: number) {
    if (this.planes?.format === format) return this.planes;
    this.disposePlanes();
    const w = this.output.width, h = this.output.height, mode = MODES[format]!;
    const tex = (label: string, width: number, height: number, f: GPUTextureFormat) =>
      createTexture(this.device, { label, size: { width, height }, format: f, usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
    // packed RGB: one plane; the chroma bindings get 1x1 stand-ins the shader never reads
    const textures = mode >= 2
      ? [tex('planes rgb', w, h, 'rgba8unorm'), tex('planes unused', 1, 1, 'r8unorm'), tex('planes unused', 1, 1, 'r8unorm')]
      : [tex('planes y', w, h, 'r8unorm'), tex('planes c', cw, ch, mode === 1 ? 'rg8unorm' : 'r8unorm'), tex('planes v', mode === 1 ? 1 : cw, mode === 1 ? 1 : ch, 'r8unorm')];
    const bind = this.device.createBindGroup({
      label: 'planes',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        ...textures.map((t, i) => ({ binding: i + 1, resource: t.createView() })),
        { binding: 4, resource: this.output.createView() },
      ],
    });
    return (this.planes = { format, textures, bind });
  }

  private disposePlanes(): void {
    this.planes?.textures.forEach(destroyTexture);
    this.planes = null;
  }

  dispose(): void {
    this.disposePlanes();
    destroyBuffer(this.params);
  }
}
