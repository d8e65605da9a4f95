import { imageTexture, destroyTexture } from '../../gpu/resources';

/** A decoded VideoFrame -> an RGBA8 texture (the browser converts YUV to RGB). The copy is queued at
 *  once, so the caller may close the frame right after `copy`. */
export class UploadPass {
  readonly output: GPUTexture;

  constructor(private readonly device: GPUDevice, readonly width: number, readonly height: number) {
    this.output = imageTexture(device, `frame ${width}x${height}`, width, height);
  }

  copy(frame: VideoFrame | ImageBitmap): void {
    this.device.queue.copyExternalImageToTexture({ source: frame }, { texture: this.output }, { width: this.width, height: this.height });
  }

  dispose(): void {
    destroyTexture(this.output);
  }
}
