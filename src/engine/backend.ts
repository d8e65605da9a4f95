// Which backend runs the model, chosen once per device: WebGPU (FP16 where the adapter has
// shader-f16, else FP32) or onnxruntime-web's WASM backend (no WebGPU, or ?backend=wasm).
import { createGpu, GpuUnavailableError, type Gpu } from './gpu/device';
import type { Backend, DType } from './inference/types';
import type { BackendChoice } from './params';

export interface Platform {
  /** null: no WebGPU at all (frames go through the CPU processor) */
  gpu: Gpu | null;
  backend: Backend;
  dtype: DType;
  /** the header's line on why (null: nothing to say) */
  note: string | null;
  /** what the header shows after "on" */
  adapter: string;
}

export async function choosePlatform(requested: BackendChoice | null): Promise<Platform> {
  let gpu: Gpu;
  try {
    gpu = await createGpu();
  } catch (e) {
    if (!(e instanceof GpuUnavailableError)) throw e;
    return { gpu: null, backend: 'wasm', dtype: 'fp32', note: `no WebGPU (${e.message}): the model runs on the CPU (WASM) and will be slow`, adapter: 'CPU' };
  }
  if (requested === 'wasm') {
    return { gpu, backend: 'wasm', dtype: 'fp32', note: 'WASM backend (requested by ?backend=wasm): the model runs on the CPU and will be slow', adapter: gpu.description };
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
