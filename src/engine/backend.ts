// Which backend runs the model, chosen once per device by what the hardware is: WebGPU on a GPU
// (FP16 where the adapter has shader-f16, else FP32); onnxruntime-web's WASM backend with no WebGPU,
// or on a software WebGPU adapter (SwiftShader, llvmpipe, lavapipe, Microsoft Basic Render Driver:
// a CPU pretending to be a GPU, on which WASM runs this model ~5x faster than our WGSL engine and
// ~100x faster than ORT's WebGPU path; docs/PERFORMANCE.md). ?backend=webgpu|wasm forces one.
import { createGpu, GpuUnavailableError, type Gpu } from './gpu/device';
import type { Backend, DType } from './inference/types';
import type { BackendChoice } from './params';

export interface Platform {
  /** the WebGPU device, where there is one (the WASM backend does not use it for frames) */
  gpu: Gpu | null;
  backend: Backend;
  dtype: DType;
  /** the header's line on why (null: nothing to say) */
  note: string | null;
  /** what the header shows after "on" */
  adapter: string;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|basic render driver|warp/i;

/** A software rasterizer, not a GPU: the adapter says so, or its name does. */
export function isSoftwareAdapter(info: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; device?: string; description?: string } | undefined): boolean {
  if (!info) return false;
  return info.isFallbackAdapter === true || SOFTWARE.test([info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' '));
}

export async function choosePlatform(requested: BackendChoice | null): Promise<Platform> {
  let gpu: Gpu;
  try {
    gpu = await createGpu();
  } catch (e) {
    if (!(e instanceof GpuUnavailableError)) throw e;
    return { gpu: null, backend: 'wasm', dtype: 'fp32', note: `no WebGPU (${e.message}): the model runs on the CPU (WASM) and will be slow`, adapter: 'CPU' };
  }
  const wasm = (note: string): Platform => ({ gpu, backend: 'wasm', dtype: 'fp32', note, adapter: gpu.description });
  if (requested === 'wasm') return wasm('WASM backend (requested by ?backend=wasm): the model runs on the CPU and will be slow');
  if (requested !== 'webgpu' && isSoftwareAdapter(gpu.adapter.info)) {
    return wasm(`the WebGPU adapter is a software one (${gpu.description}), not a GPU: the model runs on the CPU (WASM), several times faster than on that adapter but slow; ?backend=webgpu forces WebGPU`);
  }
  return {
    gpu,
    backend: 'webgpu',
    dtype: gpu.f16 ? 'fp16' : 'fp32',
    note: gpu.f16 ? null : 'this GPU has no shader-f16: running the FP32 model',
    adapter: gpu.description,
  };
}

/** The same choice on a new device (after a device loss): keeps the backend and the dtype fallback. */
export async function recreatePlatform(p: Platform): Promise<Platform> {
  const gpu = await createGpu();
  return { ...p, gpu, adapter: gpu.description, dtype: p.backend === 'webgpu' && p.dtype === 'fp16' && !gpu.f16 ? 'fp32' : p.dtype };
}
