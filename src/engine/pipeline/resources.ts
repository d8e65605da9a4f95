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
import { UnpackPass } from '../passes/unpack';
import { UploadPass } from '../passes/upload';

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
    this.out8 = imageTexture(device, 'output 8-bit', ow, oh);
    this.view8 = imageTexture(device, 'view 8-bit', ow, oh);
    this.unpackFull = new UnpackPass(device, this.out8, dtype);
    this.unpackView = new UnpackPass(device, this.view8, dtype);
    this.readback = new SseReadback(device);
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

  /** [reference mode: the 4x downscale], then the NCHW input tensor (res.pack.output). */
  encodeIn(enc: GPUCommandEncoder): void {
    this.down?.encode(enc);
    this.pack.encode(enc);
  }

  /** The 8-bit full view (out8) and, with `low`, the low / high view (view8); with `psnr`, the
   *  PSNR passes and the copy of their sums: call the returned function after submit. */
  encodeOut(enc: GPUCommandEncoder, full: GPUBuffer, low: GPUBuffer | null, view: ViewMode, gain: number, psnr: boolean) {
    this.unpackFull.encode(enc, full, null, 'full', 1);
    if (low) this.unpackView.encode(enc, full, low, view, gain);
    if (!psnr) return null;
    this.bic?.encode(enc);
    this.down2?.encode(enc);
    for (const s of this.sse) s.encode(enc);
    return this.readback.encodeCopy(enc);
  }

  dispose(): void {
    this.upload.dispose();
    destroyTexture(this.lr);
    this.down?.dispose();
    this.pack.dispose();
    destroyTexture(this.out8);
    destroyTexture(this.view8);
    this.unpackFull.dispose();
    this.unpackView.dispose();
    this.readback.dispose();
    this.timer?.dispose();
    destroyTexture(this.bic8);
    this.bic?.dispose();
    destroyTexture(this.ds8);
    this.down2?.dispose();
    for (const s of this.sse) s.dispose();
  }
}
