// Still images (PNG, JPEG, WebP) are a welcome input: the same GPU path as a video frame,
// with the latency and PSNR overlays (both modes) and the view toggle. Checked against
// onnxruntime-node and the CPU filters like player.spec.ts does for video.
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { bicubicUp4, downscale4, nchwTo8bit, psnrY, toNchw } from '../src/engine/metrics/filters';
import { clip, dropClip, maxAbsDiff, outputDiff, openPlayer, psnrOfCurrent, readTensor, readTexture, runModelOutside, state, waitFrames } from './helpers';

test('a PNG is upscaled on WebGPU: exact input pixels, output and both PSNR modes match outside, view toggle works', async ({ page }) => {
  await openPlayer(page);
  await dropClip(page, 'still24x20.png');
  await waitFrames(page, 1);
  await page.evaluate(() => (window as any).__sr.idle());
  await expect(page.locator('footer')).toContainText('still24x20.png · 24×20 · still · PNG image');
  await expect(page.getByTestId('play-toggle')).toBeDisabled(); // nothing to play
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  const s = await state(page);
  expect(s.playing).toBe(false);
  expect(s.framesProcessed).toBe(1); // processed once, not re-run every frame

  // the texture holds the PNG's own pixels (lossless; ffmpeg wrote them out as raw RGBA)
  const frame = await readTexture(page, 'frame');
  expect([frame.width, frame.height]).toEqual([24, 20]);
  expect(maxAbsDiff(frame.data, new Uint8Array(fs.readFileSync(clip('still24x20.rgba'))))).toBe(0);

  // consistency mode: output vs the FP32 model outside; PSNR vs the outside computation
  const tensor = await readTensor(page, 'full');
  const outside = await runModelOutside('full', toNchw({ ...frame, channels: 4 }), 24, 20);
  const diff = maxAbsDiff(tensor.data, outside);
  expect(diff).toBeLessThan(1e-3);
  const pc = await psnrOfCurrent(page, 'consistency');
  const out8 = nchwTo8bit(outside, 96, 80);
  const refC = psnrY({ ...downscale4({ width: 96, height: 80, channels: 3, data: out8 }), channels: 3 }, { ...frame, channels: 4 });
  expect(Math.abs(pc.model - refC)).toBeLessThan(0.05);
  await expect(page.getByTestId('stat-latency')).toHaveText(/^\d+\.\d ms$/);
  await expect(page.getByTestId('stat-psnr')).toHaveText(/^\d+\.\d\d dB$/);

  // reference mode: the image is the ground truth (6x5 LR in, 24x20 out)
  await page.getByTestId('psnr-mode').selectOption('reference');
  const pr = await psnrOfCurrent(page, 'reference');
  const lr = await readTexture(page, 'input');
  expect([lr.width, lr.height]).toEqual([6, 5]);
  const outR = await runModelOutside('full', toNchw({ ...lr, channels: 4 }), 6, 5);
  const refR = psnrY({ width: 24, height: 20, channels: 3, data: nchwTo8bit(outR, 24, 20) }, { ...frame, channels: 4 });
  const refB = psnrY({ ...bicubicUp4({ ...lr, channels: 4 }), channels: 3 }, { ...frame, channels: 4 });
  console.log(`PNG: webgpu vs onnxruntime-node ${diff.toExponential(2)}; consistency ${pc.model.toFixed(3)} / ${refC.toFixed(3)} dB; reference ${pr.model.toFixed(3)} / ${refR.toFixed(3)}, bicubic ${pr.bicubic.toFixed(3)} / ${refB.toFixed(3)} dB`);
  expect(Math.abs(pr.model - refR)).toBeLessThan(0.05);
  expect(Math.abs(pr.bicubic - refB)).toBeLessThan(0.05);
  await expect(page.getByTestId('stat-psnr-bicubic')).toHaveText(/^\d+\.\d\d dB$/);

  // the view toggle re-renders the still: high differs from full
  await page.getByTestId('psnr-mode').selectOption('consistency');
  await psnrOfCurrent(page, 'consistency');
  const view = async (v: string) => {
    await page.getByTestId('view-mode').selectOption(v);
    await expect.poll(async () => (await state(page)).view).toBe(v);
    await page.evaluate(() => (window as any).__sr.idle());
    return readTexture(page, 'view');
  };
  const full = await view('full');
  const high = await view('high');
  expect([high.width, high.height]).toEqual([96, 80]);
  expect(maxAbsDiff(full.data, high.data)).toBeGreaterThan(0);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('JPEG and WebP stills: upscaled on WebGPU, output matches the FP32 model outside', async ({ page }) => {
  await openPlayer(page);
  for (const [file, w, h, fmt] of [
    ['still20x28.jpg', 20, 28, 'JPEG'],
    ['still28x16.webp', 28, 16, 'WebP'],
  ] as const) {
    const from = (await state(page)).framesProcessed;
    await dropClip(page, file);
    await waitFrames(page, 1, from);
    await expect(page.locator('footer')).toContainText(`${file} · ${w}×${h} · still · ${fmt} image`);
    await page.evaluate(() => (window as any).__sr.idle());
    const input = await readTexture(page, 'input');
    expect([input.width, input.height]).toEqual([w, h]);
    const diff = await outputDiff(page);
    console.log(`${fmt}: ${w}x${h}, max |webgpu - onnxruntime-node| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-3);
    await expect(page.getByTestId('stat-psnr')).toHaveText(/^\d+\.\d\d dB$/);
  }
  // and a video after the stills plays again
  const from = (await state(page)).framesProcessed;
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2, from);
  await expect(page.getByTestId('play-toggle')).toBeEnabled();
});

test('no WebGPU at all: a still is upscaled on the CPU path (WASM) with the same output', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await openPlayer(page);
  await expect(page.getByTestId('stat-backend')).toHaveText('wasm fp32');
  await dropClip(page, 'still24x20.png');
  await waitFrames(page, 1);
  await page.evaluate(() => (window as any).__sr.idle());
  await expect(page.locator('footer')).toContainText('still24x20.png · 24×20 · still · PNG image');
  const frame = await readTexture(page, 'frame');
  expect(maxAbsDiff(frame.data, new Uint8Array(fs.readFileSync(clip('still24x20.rgba'))))).toBe(0);
  const tensor = await readTensor(page, 'full');
  expect([tensor.width, tensor.height]).toEqual([96, 80]);
  expect(maxAbsDiff(tensor.data, await runModelOutside('full', toNchw({ ...frame, channels: 4 }), 24, 20))).toBeLessThan(1e-4);
  await expect(page.getByTestId('stat-psnr')).toHaveText(/^\d+\.\d\d dB$/);
});
