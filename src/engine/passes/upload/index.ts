import { createTexture, imageTexture, destroyTexture } from '../../gpu/resources';
import { PlanesUpload, planesTake } from './planes';
import type { GpuStageOf } from '../stage';

/** A picture to upload: a decoded VideoFrame or ImageBitmap (the page), or pixels already on the GPU
 *  or in memory (the benchmarks and tests that run the frame path outside a browser). */
export type Picture = VideoFrame | ImageBitmap | GPUTexture | { width: number; height: number; rgba: Uint8Array };

export function pictureSize(p: Picture): { width: number; height: number } {
  return 'displayWidth' in p ? { width: p.displayWidth, height: p.displayHeight } : { width: p.width, height: p.height };
}

/** How a VideoFrame reaches the GPU: 'external', the browser's copyExternalImageToTexture (it
 *  converts YUV to RGB itself); 'planes', the frame's planes copied out and converted by our shader
 *  the same way (planes.ts), where copyExternalImageToTexture does not take a VideoFrame (Firefox). */
export type FrameUpload = 'external' | 'planes';

const uploads = new WeakMap<GPUDevice, FrameUpload>();

/** The way this device's browser takes VideoFrames, found once by trying one. */
export function frameUpload(device: GPUDevice): FrameUpload {
  let how = uploads.get(device);
  if (!how) {
    const f = new VideoFrame(new Uint8Array(16), { format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: 0 });
    const t = createTexture(device, { label: 'upload probe', size: [2, 2], format: 'rgba8unorm', usage: GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT });
    try {
      device.queue.copyExternalImageToTexture({ source: f }, { texture: t }, [2, 2]);
      how = 'external';
    } catch {
      how = 'planes';
    } finally {
      f.close();
      destroyTexture(t);
    }
    uploads.set(device, how);
  }
  return how;
}

/** Tests and benchmarks: make this device upload VideoFrames the given way (both ways on one
 *  browser, to compare them). */
export function forceFrameUpload(device: GPUDevice, how: FrameUpload): void {
  uploads.set(device, how);
}

/** A picture -> an RGBA8 texture. A VideoFrame is converted from YUV to RGB on the GPU, by the
 *  browser or by us (FrameUpload). `set` takes the picture: pixels in memory and the browser's
 *  conversion are queued at once, a frame's planes are copied out first (it then returns a promise);
 *  the caller may close the picture once `set` has returned (or resolved). What is left to record
 *  (a GPU texture's copy, the planes' conversion) goes into the next encode. */
export class UploadPass implements GpuStageOf<Picture> {
  readonly output: GPUTexture;
  private planes: PlanesUpload | null = null;
  /** what the next encode records for the picture set: its copy (a texture) or its conversion */
  private pending: GPUTexture | PlanesUpload | null = null;

  constructor(private readonly device: GPUDevice, readonly width: number, readonly height: number) {
    this.output = imageTexture(device, `frame ${width}x${height}`, width, height);
  }

  set(p: Picture): void | Promise<void> {
    const size = { width: this.width, height: this.height };
    this.pending = null;
    if ('rgba' in p) {
      this.device.queue.writeTexture({ texture: this.output }, p.rgba as GPUAllowSharedBufferSource, { bytesPerRow: this.width * 4 }, size);
    } else if ('createView' in p) {
      this.pending = p;
    } else if (!('displayWidth' in p) || frameUpload(this.device) === 'external') {
      this.device.queue.copyExternalImageToTexture({ source: p }, { texture: this.output }, size);
    } else if (planesTake(p)) {
      const planes = (this.planes ??= new PlanesUpload(this.device, this.output));
      return planes.set(p).then(() => {
        this.pending = planes;
      });
    } else {
      // rotated, anamorphic or high-bit-depth frames: the browser draws them into a bitmap, which
      // every browser's copyExternalImageToTexture takes
      return this.viaBitmap(p, size);
    }
  }

  encode(enc: GPUCommandEncoder): void {
    const p = this.pending;
    this.pending = null;
    if (p instanceof PlanesUpload) p.encode(enc);
    else if (p) enc.copyTextureToTexture({ texture: p }, { texture: this.output }, { width: this.width, height: this.height });
  }

  /** set and encode on their own (tests, benchmarks): the picture is in `output` for the work
   *  submitted after this returns (or resolves). */
  copy(p: Picture): void | Promise<void> {
    const submit = () => {
      if (!this.pending) return;
      const enc = this.device.createCommandEncoder({ label: 'upload' });
      this.encode(enc);
      this.device.queue.submit([enc.finish()]);
    };
    const r = this.set(p);
    return r ? r.then(submit) : submit();
  }

  private async viaBitmap(f: VideoFrame, size: { width: number; height: number }): Promise<void> {
    const b = await createImageBitmap(f, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    try {
      this.device.queue.copyExternalImageToTexture({ source: b }, { texture: this.output }, size);
    } finally {
      b.close();
    }
  }

  dispose(): void {
    this.planes?.dispose();
    destroyTexture(this.output);
  }
}
