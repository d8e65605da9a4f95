// The GPU objects of one frame, for one (frame size, PSNR mode, dtype): the textures, buffers and
// passes around the model, and what is recorded before it (encodeIn) and after it (encodeOut).
// GpuFrameProcessor (gpu.ts) drives it.
import { destroyTexture, imageTexture } from '../gpu/resources';
import { GpuTimer } from '../gpu/timer';
import type { DType } from '../inference/types';
import type { PsnrMode, ViewMode } from '../params';
import { BicubicPass } from '../passes/bicubic';
import { DownscalePass } from '../passes/downscale';
import { PackPass } from '../passes/pack';
import { SsePass, SseReadback } from '../passes/psnr';
import { UnpackPass, type UnpackRect } from '../passes/unpack';
import type { LensRegions } from '../lens';
import { UploadPass } from '../passes/upload';

/** Side of the probe crop: large enough to load a GPU, small enough to run in well under a second
 *  on a slow one. */
const PROBE_SIDE = 256;

/** A model's output tensor(s) for one frame, in their precision. */
export interface Outputs {
  full: GPUBuffer;
  low: GPUBuffer | null;
  dtype: DType;
}

/** The left pane's picture in the A/B view (output size, made when first asked for): bicubic of
 *  the input, or another model's output (bicubic around it with the lens), and its PSNR. */
class LeftPane {
  readonly tex: GPUTexture;
  readonly base: BicubicPass;
  readonly unpack: UnpackPass;
  readonly ds8: GPUTexture | null = null;
  readonly down: DownscalePass | null = null;
  readonly sse: SsePass;

  constructor(device: GPUDevice, res: Resources) {
    const ow = res.out8.width, oh = res.out8.height;
    this.tex = imageTexture(device, 'left pane 8-bit', ow, oh);
    this.base = new BicubicPass(device, res.input, this.tex);
    this.unpack = new UnpackPass(device, this.tex, res.dtype);
    // the same comparison as the model's: at the frame's size (reference), or downscaled (consistency)
    if (res.mode === 'reference') {
      this.sse = new SsePass(device, this.tex, res.upload.output, res.readback.results, LEFT_SLOT);
    } else {
      this.ds8 = imageTexture(device, 'left pane downscaled', res.input.width, res.input.height);
      this.down = new DownscalePass(device, this.tex, this.ds8);
      this.sse = new SsePass(device, this.ds8, res.upload.output, res.readback.results, LEFT_SLOT);
    }
  }

  dispose(): void {
    destroyTexture(this.tex);
    this.base.dispose();
    this.unpack.dispose();
    destroyTexture(this.ds8);
    this.down?.dispose();
    this.sse.dispose();
  }
}

/** The PSNR sums' slots: the model's (0), bicubic's in reference mode (1), the left pane's (2). */
export const LEFT_SLOT = 2;

/** GPU resources for one (frame size, PSNR mode, dtype); rebuilt when any changes. */
export class Resources {
  readonly upload: UploadPass;
  readonly lr: GPUTexture | null;
  readonly down: DownscalePass | null;
  readonly input: GPUTexture;
  readonly pack: PackPass;
  readonly out8: GPUTexture;
  readonly view8: GPUTexture;
  readonly unpackFull: UnpackPass;
  readonly unpackView: UnpackPass;
  readonly readback: SseReadback;
  /** null without timestamp-query: the model is then timed by waiting on the queue */
  readonly timer: GpuTimer | null;
  readonly bic8: GPUTexture | null = null;
  readonly bic: BicubicPass | null = null;
  readonly ds8: GPUTexture | null = null;
  readonly down2: DownscalePass | null = null;
  readonly sse: SsePass[] = [];
  /** bicubic of the model input into view8: the preview before the model's first frame, and the
   *  left half of a comparison export */
  readonly preview: BicubicPass;
  /** bicubic of the input into out8: what the lens's surroundings show */
  readonly lensBase: BicubicPass;
  /** a central crop of the input, packed for a runner that decides something first (the auto
   *  pick times both engines on it, not on a whole large frame); null for small frames */
  readonly probe: PackPass | null;
  /** the input packed in the other precision, for a model of that one (made when first asked for) */
  private other: PackPass | null = null;
  /** the A/B view's left pane (made when first asked for) */
  private leftPane: LeftPane | null = null;

  constructor(private readonly device: GPUDevice, readonly width: number, readonly height: number, readonly mode: PsnrMode, readonly dtype: DType) {
    this.upload = new UploadPass(device, width, height);
    if (mode === 'reference') {
      this.lr = imageTexture(device, 'LR (reference input)', Math.floor(width / 4), Math.floor(height / 4));
      this.down = new DownscalePass(device, this.upload.output, this.lr);
      this.input = this.lr;
    } else {
      this.lr = null;
      this.down = null;
      this.input = this.upload.output;
    }
    const ow = this.input.width * 4, oh = this.input.height * 4;
    this.pack = new PackPass(device, this.input, dtype);
    const iw = this.input.width, ih = this.input.height;
    this.probe = iw * ih > PROBE_SIDE * PROBE_SIDE
      ? new PackPass(device, this.input, dtype, { x: Math.max(0, (iw - PROBE_SIDE) >> 1), y: Math.max(0, (ih - PROBE_SIDE) >> 1), width: Math.min(iw, PROBE_SIDE), height: Math.min(ih, PROBE_SIDE) })
      : null;
    this.out8 = imageTexture(device, 'output 8-bit', ow, oh);
    this.view8 = imageTexture(device, 'view 8-bit', ow, oh);
    this.unpackFull = new UnpackPass(device, this.out8, dtype);
    this.unpackView = new UnpackPass(device, this.view8, dtype);
    this.readback = new SseReadback(device);
    this.preview = new BicubicPass(device, this.input, this.view8);
    this.lensBase = new BicubicPass(device, this.input, this.out8);
    this.timer = GpuTimer.create(device);
    if (mode === 'reference') {
      this.bic8 = imageTexture(device, 'bicubic 8-bit', ow, oh);
      this.bic = new BicubicPass(device, this.lr!, this.bic8);
      this.sse.push(new SsePass(device, this.out8, this.upload.output, this.readback.results, 0));
      this.sse.push(new SsePass(device, this.bic8, this.upload.output, this.readback.results, 1));
    } else {
      this.ds8 = imageTexture(device, 'output downscaled', this.input.width, this.input.height);
      this.down2 = new DownscalePass(device, this.out8, this.ds8);
      this.sse.push(new SsePass(device, this.ds8, this.upload.output, this.readback.results, 0));
    }
  }

  /** The input tensor in `dtype` (the pack made with these resources, or one in the other precision). */
  packFor(dtype: DType): PackPass {
    if (dtype === this.dtype) return this.pack;
    return (this.other ??= new PackPass(this.device, this.input, dtype));
  }

  get left(): LeftPane {
    return (this.leftPane ??= new LeftPane(this.device, this));
  }

  /** [reference mode: the 4x downscale], then the NCHW input tensor (packFor(dtype).output, for
   *  each precision asked for): of the whole input, or of the lens's crop. */
  encodeIn(enc: GPUCommandEncoder, lens: LensRegions | null, probe = false, dtypes: readonly DType[] = [this.dtype]): void {
    this.down?.encode(enc);
    for (const d of new Set(dtypes)) {
      const pack = this.packFor(d);
      pack.setRegion(lens?.crop ?? null);
      pack.encode(enc);
    }
    if (probe) this.probe?.encode(enc);
  }

  /** [reference mode: the 4x downscale], then bicubic of the input into view8. */
  encodePreview(enc: GPUCommandEncoder): void {
    this.down?.encode(enc);
    this.preview.encode(enc);
  }

  /** The 8-bit full view (out8) and, with `low`, the low / high view (view8); `left`: the A/B
   *  view's left pane (bicubic, or another model's output); with `psnr`, the PSNR passes and the
   *  copy of their sums: call the returned function after submit. With a lens, every view is the
   *  bicubic upscale with a model's output in the lens's region, and the PSNR compares that region
   *  only. */
  encodeOut(enc: GPUCommandEncoder, out: Outputs, view: ViewMode, gain: number, psnr: boolean, lens: LensRegions | null = null, left: 'bicubic' | { buffer: GPUBuffer; dtype: DType } | null = null) {
    const { full, low, dtype } = out;
    let rect: UnpackRect | undefined;
    if (lens) {
      const { region: r, crop: c } = lens;
      rect = { tensor: [4 * c.width, 4 * c.height], size: [4 * r.width, 4 * r.height], src: [4 * (r.x - c.x), 4 * (r.y - c.y)], dst: [4 * r.x, 4 * r.y] };
      this.lensBase.encode(enc);
      if (low) this.preview.encode(enc);
    }
    this.unpackFull.encode(enc, full, null, 'full', 1, rect, dtype);
    if (low) this.unpackView.encode(enc, full, low, view, gain, rect, dtype);
    const L = left ? this.left : null;
    if (L && left) {
      if (left === 'bicubic' || lens) L.base.encode(enc);
      if (left !== 'bicubic') L.unpack.encode(enc, left.buffer, null, 'full', 1, rect, left.dtype);
    }
    if (!psnr) return null;
    // reference mode compares at the frame's size (4x the region), consistency at the input's
    const r = lens?.region ?? null;
    const cmp = r && (this.mode === 'reference' ? { x: 4 * r.x, y: 4 * r.y, width: 4 * r.width, height: 4 * r.height } : r);
    this.bic?.encode(enc);
    this.down2?.encode(enc);
    for (const s of this.sse) {
      s.setRegion(cmp);
      s.encode(enc);
    }
    if (L) {
      L.down?.encode(enc);
      L.sse.setRegion(cmp);
      L.sse.encode(enc);
    }
    return this.readback.encodeCopy(enc);
  }

  dispose(): void {
    this.other?.dispose();
    this.leftPane?.dispose();
    this.upload.dispose();
    destroyTexture(this.lr);
    this.down?.dispose();
    this.pack.dispose();
    this.probe?.dispose();
    destroyTexture(this.out8);
    destroyTexture(this.view8);
    this.unpackFull.dispose();
    this.unpackView.dispose();
    this.readback.dispose();
    this.preview.dispose();
    this.lensBase.dispose();
    this.timer?.dispose();
    destroyTexture(this.bic8);
    this.bic?.dispose();
    destroyTexture(this.ds8);
    this.down2?.dispose();
    for (const s of this.sse) s.dispose();
  }
}
