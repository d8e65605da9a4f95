// Pipelines depend only on the device and the shader, not on frame sizes: compile each once per device.
const cache = new WeakMap<GPUDevice, Map<string, GPUComputePipeline | GPURenderPipeline>>();

export function computePipeline(device: GPUDevice, label: string, code: string): GPUComputePipeline {
  let m = cache.get(device);
  if (!m) cache.set(device, (m = new Map()));
  const hit = m.get(label);
  if (hit) return hit as GPUComputePipeline;
  const module = device.createShaderModule({ label, code });
  const p = device.createComputePipeline({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
  m.set(label, p);
  return p;
}

export function renderPipeline(device: GPUDevice, label: string, code: string, format: GPUTextureFormat): GPURenderPipeline {
  let m = cache.get(device);
  if (!m) cache.set(device, (m = new Map()));
  const key = `${label}:${format}`;
  const hit = m.get(key);
  if (hit) return hit as GPURenderPipeline;
  const module = device.createShaderModule({ label, code });
  const p = device.createRenderPipeline({
    label,
    layout: 'auto',
    vertex: { module, entryPoint: 'vs' },
    fragment: { module, entryPoint: 'fs', targets: [{ format }] },
    primitive: { topology: 'triangle-list' },
  });
  m.set(key, p);
  return p;
}

/** A 1-D count of workgroups spread over x and y (each at most 65535). */
export function grid(groups: number): [number, number] {
  if (groups <= 65535) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}
