// Runs the GPU filter passes on caller-supplied pixels (tests only: e2e/shaders.spec.ts compares
// them with the CPU reference in filters.ts). Loaded lazily by the debug hook.
import { BicubicPass } from './passes/bicubic';
import { DownscalePass } from './passes/downscale';
import { SsePass, SseReadback } from './passes/psnr';
import { destroyTexture, imageTexture, readTexture } from './gpu/resources';

export async function passSelfTest(device: GPUDevice, a: Uint8Array, b: Uint8Array, w: number, h: number) {
  const up = (data: Uint8Array, label: string) => {
    const t = imageTexture(device, label, w, h);
    device.queue.writeTexture({ texture: t }, data as GPUAllowSharedBufferSource, { bytesPerRow: w * 4 }, { width: w, height: h });
    return t;
  };
  const ta = up(a, 'selftest a'), tb = up(b, 'selftest b');
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
  const after = rb.encodeCopy(enc)!;
  device.queue.submit([enc.finish()]);
  const sums = await new Promise<Float32Array>((resolve) => after(resolve));
  const out = { down: await readTexture(device, lr), up: await readTexture(device, bic), sse: sums[2], count: sse.count, lrW: lr.width, lrH: lr.height };
  down.dispose();
  bicPass.dispose();
  sse.dispose();
  rb.dispose();
  for (const t of [ta, tb, lr, bic]) destroyTexture(t);
  return out;
}
