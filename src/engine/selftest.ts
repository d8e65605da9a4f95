// Runs GPU passes on caller-supplied pixels (tests only: e2e/shaders.spec.ts compares the filters
// with the CPU reference in filters.ts, e2e/present.spec.ts the present pass with box averages).
// Loaded lazily by the debug hook.
import { BicubicPass } from './passes/bicubic';
import { DownscalePass } from './passes/downscale';
import { SsePass, SseReadback } from './passes/psnr';
import { PresentPass } from './passes/present';
import { destroyTexture, imageTexture, readTexture } from './gpu/resources';

/** An RGBA8 texture holding `data` (w x h). */
function rgbaTexture(device: GPUDevice, data: Uint8Array, w: number, h: number, label: string): GPUTexture {
  const t = imageTexture(device, label, w, h);
  device.queue.writeTexture({ texture: t }, data as GPUAllowSharedBufferSource, { bytesPerRow: w * 4 }, { width: w, height: h });
  return t;
}

export async function passSelfTest(device: GPUDevice, a: Uint8Array, b: Uint8Array, w: number, h: number) {
  const ta = rgbaTexture(device, a, w, h, 'selftest a'), tb = rgbaTexture(device, b, w, h, 'selftest b');
  const lr = imageTexture(device, 'selftest lr', Math.floor(w / 4), Math.floor(h / 4));
  const bic = imageTexture(device, 'selftest bic', lr.width * 4, lr.height * 4);
  const down = new DownscalePass(device, ta, lr);
  const bicPass = new BicubicPass(device, lr, bic);
  const rb = new SseReadback(device, 1);
  const sse = new SsePass(device, ta, tb, rb.results, 2);
  const enc = device.createCommandEncoder({ label: 'selftest' });
  down.encode(enc);
  bicPass.encode(enc);
  sse.encode(enc);
  rb.encode(enc);
  device.queue.submit([enc.finish()]);
  const sums = await rb.read()!;
  const out = { down: await readTexture(device, lr), up: await readTexture(device, bic), sse: sums[2], count: sse.count, lrW: lr.width, lrH: lr.height };
  down.dispose();
  bicPass.dispose();
  sse.dispose();
  rb.dispose();
  for (const t of [ta, tb, lr, bic]) destroyTexture(t);
  return out;
}

/** Pack two RGBA images into model tensors (fp16 or fp32), read tensor A back, and unpack A (full
 *  view) and A/B (high view, gain 2) into RGBA: the tensor layout and the FP16 packing that a
 *  shader-f16 GPU would use, checked without one. */
export async function packSelfTest(device: GPUDevice, a: Uint8Array, b: Uint8Array, w: number, h: number, dtype: 'fp16' | 'fp32') {
  const { PackPass, tensorBytes } = await import('./passes/pack');
  const { UnpackPass } = await import('./passes/unpack');
  const { readBuffer } = await import('./gpu/resources');
  const ta = rgbaTexture(device, a, w, h, 'pack a'), tb = rgbaTexture(device, b, w, h, 'pack b');
  const pa = new PackPass(device, ta, dtype), pb = new PackPass(device, tb, dtype);
  const full = imageTexture(device, 'unpack full', w, h), high = imageTexture(device, 'unpack high', w, h);
  const uf = new UnpackPass(device, full, dtype), uh = new UnpackPass(device, high, dtype);
  const enc = device.createCommandEncoder({ label: 'pack selftest' });
  pa.encode(enc);
  pb.encode(enc);
  uf.set({ full: pa.output, low: null, mode: 'full', gain: 1 });
  uf.encode(enc);
  uh.set({ full: pa.output, low: pb.output, mode: 'high', gain: 2 });
  uh.encode(enc);
  device.queue.submit([enc.finish()]);
  const out = {
    tensor: new Uint8Array(await readBuffer(device, pa.output, tensorBytes(w, h, dtype))),
    full: await readTexture(device, full),
    high: await readTexture(device, high),
  };
  for (const p of [pa, pb]) p.dispose();
  for (const u of [uf, uh]) u.dispose();
  for (const t of [ta, tb, full, high]) destroyTexture(t);
  return out;
}

/** Draws an RGBA8 image through a PresentPass (the class the player draws both canvases with) into
 *  a new cw x ch canvas at `zoom`, centred; returns the canvas's RGBA as the page composites it. */
export async function presentSelfTest(device: GPUDevice, rgba: Uint8Array, tw: number, th: number, cw: number, ch: number, filter: GPUFilterMode, zoom: number) {
  const tex = rgbaTexture(device, rgba, tw, th, 'selftest present');
  const canvas = document.createElement('canvas');
  canvas.width = cw;
  canvas.height = ch;
  const pass = new PresentPass(device, canvas, filter);
  const enc = device.createCommandEncoder({ label: 'selftest present' });
  pass.set({ texture: tex, viewport: { zoom, cx: 0.5, cy: 0.5 } });
  pass.encode(enc);
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  const c2 = document.createElement('canvas');
  c2.width = cw;
  c2.height = ch;
  const g = c2.getContext('2d')!;
  g.drawImage(canvas, 0, 0);
  const px = g.getImageData(0, 0, cw, ch).data;
  pass.dispose();
  destroyTexture(tex);
  return px;
}
