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

  constructor(device: GPUDevice, readonly width: number, readonly height: number, readonly mode: PsnrMode, readonly dtype: DType) {
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

  /** [reference mode: the 4x downscale], then the NCHW input tensor (res.pack.output): of the whole
   *  input, or of the lens's crop. */
  encodeIn(enc: GPUCommandEncoder, lens: LensRegions | null, probe = false): void {
    this.down?.encode(enc);
    this.pack.setRegion(lens?.crop ?? null);
    this.pack.encode(enc);
    if (probe) this.probe?.encode(enc);
  }

  /** [reference mode: the 4x downscale], then bicubic of the input into view8. */
  encodePreview(enc: GPUCommandEncoder): void {
    this.down?.encode(enc);
    this.preview.encode(enc);
  }

  /** The 8-bit full view (out8) and, with `low`, the low / high view (view8); with `psnr`, the
   *  PSNR passes and the copy of their sums: call the returned function after submit. With a lens,
   *  both views are the bicubic upscale with the model's output in the lens's region, and the PSNR
   *  compares that region only. */
  encodeOut(enc: GPUCommandEncoder, full: GPUBuffer, low: GPUBuffer | null, view: ViewMode, gain: number, psnr: boolean, lens: LensRegions | null = null) {
    let rect: UnpackRect | undefined;
    if (lens) {
      const { region: r, crop: c } = lens;
      rect = { tensor: [4 * c.width, 4 * c.height], size: [4 * r.width, 4 * r.height], src: [4 * (r.x - c.x), 4 * (r.y - c.y)], dst: [4 * r.x, 4 * r.y] };
      this.lensBase.encode(enc);
      if (low) this.preview.encode(enc);
    }
    this.unpackFull.encode(enc, full, null, 'full', 1, rect);
    if (low) this.unpackView.encode(enc, full, low, view, gain, rect);
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
    return this.readback.encodeCopy(enc);
  }

  dispose(): void {
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
