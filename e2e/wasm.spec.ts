// The WASM backend: requested with ?backend=wasm (GPU passes around a CPU model run), and the
// automatic fallback when the browser has no WebGPU at all (everything on the CPU). Both must give
// the same FP32 model output as outside the browser.
import { expect, test } from '@playwright/test';
import { bicubicUp4, nchwTo8bit, psnrY, toNchw } from '../src/engine/metrics/filters';
import { canvasVariance, counters, dropClip, maxAbsDiff, openPlayer, pause, psnrOfCurrent, readTensor, readTexture, runModelOutside, state, waitFrames } from './helpers';

test('wasm backend: labelled, warns it is slow, output matches onnxruntime-node, GPU resources stay flat', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  await expect(page.getByTestId('stat-backend')).toHaveText('wasm fp32');
  await expect(page.getByTestId('backend-note')).toContainText(/slow/);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 3);
  const c0 = await counters(page);
  await waitFrames(page, 15, (await state(page)).framesProcessed); // loops the 6-frame clip
  const c1 = await counters(page);
  expect(c1.buffersLive).toBe(c0.buffersLive);
  expect(c1.texturesLive).toBe(c0.texturesLive);
  expect(c1.videoFramesOpen).toBeLessThanOrEqual(1); // at most the one decoded ahead
  expect(c1.videoFramesOpened - c0.videoFramesOpened).toBeGreaterThanOrEqual(15);

  await pause(page);
  const input = await readTexture(page, 'input');
  const tensor = await readTensor(page, 'full');
  const outside = await runModelOutside('full', toNchw({ ...input, channels: 4 }), 32, 32);
  const diff = maxAbsDiff(tensor.data, outside);
  console.log(`wasm vs onnxruntime-node: max |diff| = ${diff.toExponential(2)}`);
  expect(diff).toBeLessThan(1e-4);
  await expect(page.getByTestId('stat-latency')).toHaveText(/^\d+\.\d ms$/);
  await expect(page.getByTestId('stat-psnr')).toHaveText(/^\d+\.\d\d dB$/);
});

test('no WebGPU at all: falls back to WASM on the CPU, with the note, same output and reference PSNR', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await openPlayer(page, 'psnr=reference');
  await expect(page.getByTestId('stat-backend')).toHaveText('wasm fp32');
  await expect(page.getByTestId('backend-note')).toContainText(/no WebGPU.*slow/);
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  await pause(page);
  expect(await canvasVariance(page, 'video-original')).toBeGreaterThan(10);
  expect(await canvasVariance(page, 'video-upscaled')).toBeGreaterThan(10);
  const p = await psnrOfCurrent(page, 'reference');
  const gt = await readTexture(page, 'frame');
  const lr = await readTexture(page, 'input');
  expect([lr.width, lr.height]).toEqual([8, 8]);
  const tensor = await readTensor(page, 'full');
  const outside = await runModelOutside('full', toNchw({ ...lr, channels: 4 }), 8, 8);
  expect(maxAbsDiff(tensor.data, outside)).toBeLessThan(1e-4);
  const modelPsnr = psnrY({ width: 32, height: 32, channels: 3, data: nchwTo8bit(outside, 32, 32) }, { ...gt, channels: 4 });
  const bicPsnr = psnrY({ ...bicubicUp4({ ...lr, channels: 4 }), channels: 3 }, { ...gt, channels: 4 });
  expect(Math.abs(p.model - modelPsnr)).toBeLessThan(0.05);
  expect(Math.abs(p.bicubic - bicPsnr)).toBeLessThan(0.05);
  await expect(page.getByTestId('stat-psnr')).toHaveText(/^\d+\.\d\d dB$/);
});
