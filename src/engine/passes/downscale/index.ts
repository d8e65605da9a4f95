import code from './downscale.wgsl?raw';
import { downscaleWeights } from '../../metrics/filters';
import { ResamplePass } from '../resample';

/** src (its top-left 4*floor(w/4) x 4*floor(h/4)) -> dst (w/4 x h/4), MATLAB bicubic, 8-bit. */
export class DownscalePass extends ResamplePass {
  constructor(device: GPUDevice, src: GPUTexture, dst: GPUTexture) {
    // 16 f32 weights + src_size (2 u32) + dst_size (2 u32) = 80 bytes
    const data = new ArrayBuffer(80);
    new Float32Array(data, 0, 16).set(downscaleWeights());
    new Uint32Array(data, 64, 4).set([dst.width * 4, dst.height * 4, dst.width, dst.height]);
    super(device, 'downscale', code, data, src, dst);
  }
}
