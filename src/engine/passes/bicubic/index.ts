import code from './bicubic.wgsl?raw';
import { ResamplePass } from '../resample';

/** src (w x h) -> dst (4w x 4h), Keys bicubic, 8-bit. */
export class BicubicPass extends ResamplePass {
  constructor(device: GPUDevice, src: GPUTexture, dst: GPUTexture) {
    super(device, 'bicubic', code, new Uint32Array([src.width, src.height, dst.width, dst.height]), src, dst);
  }
}
