// Will a frame fit? The 4x output is an RGBA8 texture (maxTextureDimension2D) and, before that, the
// model's output tensor; the largest tensor the model makes is its widest activation at input size
// (C=64: 64 x h x w, more than the 48 x h x w output before the pixel shuffle), each a storage
// buffer (maxStorageBufferBindingSize, maxBufferSize). The player refuses what does not fit, with
// the limits named, rather than tiling: see the README.
import type { Platform } from '../backend';
import { MediaError, type MediaInfo } from '../media';

export interface GpuLimits {
  maxTextureDimension2D: number;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface SizeVerdict {
  ok: boolean;
  /** what is over, e.g. "output 32768x32768 > maxTextureDimension2D 8192" */
  over: string[];
  /** the largest square input that fits */
  maxSquare: number;
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

/** Checks a w x h input for a model with `channels` feature maps at `bytesPerElement` (fp32: 4). */
export function fitsGpu(w: number, h: number, channels: number, bytesPerElement: number, L: GpuLimits): SizeVerdict {
  const ow = w * 4, oh = h * 4;
  const widest = Math.max(channels, 48); // 48 = 3 x 4 x 4: the pixel-shuffle input
  const maxBuf = Math.min(L.maxStorageBufferBindingSize, L.maxBufferSize);
  const tensor = widest * w * h * bytesPerElement;
  const over: string[] = [];
  if (ow > L.maxTextureDimension2D || oh > L.maxTextureDimension2D) over.push(`output ${ow}x${oh} > maxTextureDimension2D ${L.maxTextureDimension2D}`);
  if (w > L.maxTextureDimension2D || h > L.maxTextureDimension2D) over.push(`input ${w}x${h} > maxTextureDimension2D ${L.maxTextureDimension2D}`);
  if (tensor > maxBuf) over.push(`model tensors of ${mib(tensor)} > the ${mib(maxBuf)} buffer limit`);
  const maxSquare = Math.max(0, Math.min(Math.floor(L.maxTextureDimension2D / 4), Math.floor(Math.sqrt(maxBuf / (widest * bytesPerElement)))));
  return { ok: over.length === 0, over, maxSquare };
}

/** Refuses (MediaError, before decoding) an input this platform cannot take, with the limits named:
 *  `channels` is the model's width (ORT's WebGPU EP keeps its activations in storage buffers). */
export function checkInputSize(info: MediaInfo, p: Platform | null, channels: number): void {
  // the WASM backend's frames go through the CPU (pipeline/cpu.ts), whether or not there is a GPU:
  // the GPU's limits are not theirs
  if (p && p.backend !== 'webgpu' && info.width * info.height > 1920 * 1088) {
    throw new MediaError(`"${info.name}" is ${info.width}x${info.height}: too large for the CPU (WASM) path, which takes up to 1920x1088`);
  }
  const d = p?.gpu?.device;
  if (!d || p.backend !== 'webgpu') return;
  const v = fitsGpu(info.width, info.height, channels, p.dtype === 'fp16' ? 2 : 4, d.limits);
  if (!v.ok) {
    throw new MediaError(
      `"${info.name}" is ${info.width}x${info.height}: too large to upscale 4x on this GPU (${v.over.join('; ')}); ` +
        `it takes inputs up to ${v.maxSquare}x${v.maxSquare}`,
    );
  }
}
