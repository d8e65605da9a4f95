// Every GPU buffer/texture the engine makes goes through here, so that a test can check that what
// was created was destroyed (long sessions must stay flat: e2e/long-session.spec.ts).

export const counters = {
  buffersLive: 0,
  texturesLive: 0,
  buffersCreated: 0,
  texturesCreated: 0,
  videoFramesOpen: 0,
  videoFramesOpened: 0,
  ortOutputsLive: 0,
  /** opened media files not yet disposed (media/index.ts) */
  mediaOpen: 0,
};

export type Counters = typeof counters;

export function createBuffer(device: GPUDevice, desc: GPUBufferDescriptor): GPUBuffer {
  const b = device.createBuffer(desc);
  counters.buffersLive++;
  counters.buffersCreated++;
  return b;
}

export function destroyBuffer(b: GPUBuffer | null | undefined): void {
  if (!b) return;
  b.destroy();
  counters.buffersLive--;
}

export function createTexture(device: GPUDevice, desc: GPUTextureDescriptor): GPUTexture {
  const t = device.createTexture(desc);
  counters.texturesLive++;
  counters.texturesCreated++;
  return t;
}

export function destroyTexture(t: GPUTexture | null | undefined): void {
  if (!t) return;
  t.destroy();
  counters.texturesLive--;
}

/** A texture the passes can read (textureLoad / sample), write from compute, render into, and copy. */
export function imageTexture(device: GPUDevice, label: string, width: number, height: number): GPUTexture {
  return createTexture(device, {
    label,
    size: { width, height },
    format: 'rgba8unorm',
    usage:
      GPUTextureUsage.TEXTURE_BINDING |
      GPUTextureUsage.STORAGE_BINDING |
      GPUTextureUsage.COPY_SRC |
      GPUTextureUsage.COPY_DST |
      GPUTextureUsage.RENDER_ATTACHMENT,
  });
}

export function uniformBuffer(device: GPUDevice, label: string, data: ArrayBuffer | ArrayBufferView): GPUBuffer {
  const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
  const b = createBuffer(device, { label, size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(b, 0, data as GPUAllowSharedBufferSource);
  return b;
}

/** Read a rgba8unorm texture back as tightly packed RGBA bytes (tests and debugging only). */
export async function readTexture(device: GPUDevice, tex: GPUTexture): Promise<Uint8Array> {
  const w = tex.width, h = tex.height, bpr = Math.ceil((w * 4) / 256) * 256;
  const buf = createBuffer(device, { label: 'readback', size: bpr * h, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder({ label: 'readTexture' });
  enc.copyTextureToBuffer({ texture: tex }, { buffer: buf, bytesPerRow: bpr }, { width: w, height: h });
  device.queue.submit([enc.finish()]);
  await buf.mapAsync(GPUMapMode.READ);
  const src = new Uint8Array(buf.getMappedRange());
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) out.set(src.subarray(y * bpr, y * bpr + w * 4), y * w * 4);
  buf.unmap();
  destroyBuffer(buf);
  return out;
}

/** Copy a GPU buffer's first `size` bytes to the CPU (tests, and the WASM backend's input). */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, size: number): Promise<ArrayBuffer> {
  const aligned = Math.ceil(size / 4) * 4;
  const buf = createBuffer(device, { label: 'readback', size: aligned, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder({ label: 'readBuffer' });
  enc.copyBufferToBuffer(src, 0, buf, 0, aligned);
  device.queue.submit([enc.finish()]);
  await buf.mapAsync(GPUMapMode.READ);
  const out = buf.getMappedRange().slice(0, size);
  buf.unmap();
  destroyBuffer(buf);
  return out;
}

export const dispatch = (n: number, wg: number) => Math.ceil(n / wg);
