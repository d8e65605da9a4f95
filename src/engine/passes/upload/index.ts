import { imageTexture, destroyTexture } from '../../gpu/resources';

/** A picture to upload: a decoded VideoFrame or ImageBitmap (the page), or pixels already on the GPU
 *  or in memory (the benchmarks and tests that run the frame path outside a browser). */
export type Picture = VideoFrame | ImageBitmap | GPUTexture | { width: number; height: number; rgba: Uint8Array };

export function pictureSize(p: Picture): { width: number; height: number } {
  return 'displayWidth' in p ? { width: p.displayWidth, height: p.displayHeight } : { width: p.width, height: p.height };
}

/** A picture -> an RGBA8 texture (for a VideoFrame the browser converts YUV to RGB). The copy is
 *  queued at once, so the caller may close the frame right after `copy`. */
export class UploadPass {
  readonly output: GPUTexture;

  constructor(private readonly device: GPUDevice, readonly width: number, readonly height: number) {
    this.output = imageTexture(device, `frame ${width}x${height}`, width, height);
  }

  copy(p: Picture): void {
    const size = { width: this.width, height: this.height };
    if ('rgba' in p) {
      this.device.queue.writeTexture({ texture: this.output }, p.rgba as GPUAllowSharedBufferSource, { bytesPerRow: this.width * 4 }, size);
    } else if ('createView' in p) {
      const enc = this.device.createCommandEncoder({ label: 'upload texture' });
      enc.copyTextureToTexture({ texture: p }, { texture: this.output }, size);
      this.device.queue.submit([enc.finish()]);
    } else {
      this.device.queue.copyExternalImageToTexture({ source: p }, { texture: this.output }, size);
    }
  }

  dispose(): void {
    destroyTexture(this.output);
  }
}
