// ?backend=wasm: the model runs on ORT's WASM backend (the frame comes to the CPU); the result must
// be the same FP32 model output as outside the browser.
import { expect, test } from '@playwright/test';
import { toNchw } from '../src/engine/filters';
import { dropClip, maxAbsDiff, openPlayer, pause, readTensor, readTexture, runModelOutside, waitFrames } from './helpers';

test('wasm backend: labelled, warns it is slow, output matches onnxruntime-node', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  await expect(page.getByTestId('stat-backend')).toHaveText('wasm fp32');
  await expect(page.getByTestId('backend-note')).toContainText(/slow/);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
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
