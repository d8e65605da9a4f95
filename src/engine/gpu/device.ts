// WebGPU device creation with the adapter's own buffer limits (a 4096x4096 FP32 output is 201 MB,
// over the default 128 MiB binding limit) and shader-f16 when the adapter has it.

export interface Gpu {
  adapter: GPUAdapter;
  device: GPUDevice;
  f16: boolean;
  description: string;
}

export class GpuUnavailableError extends Error {}

export async function createGpu(): Promise<Gpu> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    throw new GpuUnavailableError('this browser has no WebGPU (navigator.gpu is missing)');
  }
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new GpuUnavailableError('WebGPU is present but no GPU adapter is available');
  const f16 = adapter.features.has('shader-f16');
  const requiredFeatures: GPUFeatureName[] = [];
  if (f16) requiredFeatures.push('shader-f16');
  // ORT's WebGPU EP can use these when present; request them only where offered.
  for (const f of ['timestamp-query', 'subgroups'] as GPUFeatureName[]) if (adapter.features.has(f)) requiredFeatures.push(f);
  const L = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'sr4x device',
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
      maxBufferSize: L.maxBufferSize,
      maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: L.maxComputeWorkgroupSizeY,
      maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage,
      maxTextureDimension2D: L.maxTextureDimension2D,
    },
  });
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  return { adapter, device, f16, description };
}
