// Device loss: device.destroy() simulates a GPU reset; the player rebuilds on a new device and shows
// the same frame again without a reload.
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { canvasVariance, dropClip, openPlayer, pause, state, waitFrames } from './helpers';
// (bad files: bad-input.spec.ts)

test('a lost GPU device is recreated and the same frame comes back', async ({ page }) => {
  await openPlayer(page);
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 1);
  await pause(page);
  const before = await state(page);
  const lostAt: number = await page.evaluate(() => {
    (window as any).__sr.destroyDevice();
    return performance.now();
  });
  await expect.poll(async () => (await state(page)).recoveries, { timeout: 60_000 }).toBe(1);
  await waitFrames(page, 1, before.framesProcessed);
  const after = await state(page);
  // how long the picture was gone: device, model session and the frame again (SwiftShader: slow)
  const shown: number = await page.evaluate(() => (window as any).__sr.frameLog().at(-1).shown);
  console.log(`device lost -> the same frame on screen again after ${((shown - lostAt) / 1000).toFixed(2)} s (webgpu ${after.dtype}, 32x32)`);
  expect(after.frameIndex).toBe(before.frameIndex);
  expect(after.modelReady).toBe(true);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  expect(await canvasVariance(page, 'video-upscaled')).toBeGreaterThan(10);
  // and it still plays
  await page.getByTestId('play-toggle').click();
  await waitFrames(page, 1, after.framesProcessed);

  // lost again while playing (a frame may be in flight): recovers and keeps playing
  await page.evaluate(() => (window as any).__sr.destroyDevice());
  await expect.poll(async () => (await state(page)).recoveries, { timeout: 60_000 }).toBe(2);
  const again = await state(page);
  await waitFrames(page, 2, again.framesProcessed);
  expect((await state(page)).playing).toBe(true);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

for (const [what, body, status] of [
  ['missing', 'not found', 404],
  ['corrupt', 'this is not an ONNX protobuf', 200],
] as const) {
  test(`a ${what} model file is named in the error banner`, async ({ page }) => {
    await page.route(/\/models\/[^/]+\.fp32\.onnx$/, (r) => r.fulfill({ status, body, contentType: 'application/octet-stream' }));
    await page.goto('/?demo=0&backend=wasm');
    await expect(page.getByTestId('error-banner')).toContainText(/models\/sr4x-[a-z0-9]+\.fp32\.onnx/);
    await expect(page.getByTestId('error-banner')).toContainText(what === 'missing' ? 'missing (HTTP 404)' : 'could not be loaded');
    // the rest of the page still works: a video opens (it waits for a model to be processed)
    await dropClip(page, 'tiny32.mp4');
    await expect(page.locator('footer')).toContainText('tiny32.mp4 · 32×32');
    await expect(page.getByTestId('error-banner')).toContainText(/fp32\.onnx/); // still explained
  });
}

test('the default model file missing: named, and switching to another model from the manifest plays', async ({ page }) => {
  const manifest = JSON.parse(fs.readFileSync('models/manifest.json', 'utf8'));
  const def: string = manifest.default, [other, third] = manifest.models.map((m: { id: string }) => m.id).filter((id: string) => id !== def);
  await page.route(new RegExp(`/models/${def}\\.fp32\\.onnx$`), (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/?demo=0&backend=wasm');
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText(`model file /models/${def}.fp32.onnx is missing (HTTP 404)`);
  await dropClip(page, 'tiny32.mp4');
  await expect(page.locator('footer')).toContainText('tiny32.mp4 · 32×32');
  await page.getByTestId('model').selectOption(other);
  await expect(banner).toHaveCount(0);
  await waitFrames(page, 2);
  expect((await state(page)).modelReady).toBe(true);
  await expect(page.getByTestId('stat-latency')).toHaveText(/^\d+\.\d ms$/);
  // and back to the broken one: named again, and the page still works
  await page.getByTestId('model').selectOption(def);
  await expect(banner).toContainText(`${def}.fp32.onnx`);
  await page.getByTestId('model').selectOption(third);
  await expect(banner).toHaveCount(0);
  const from = (await state(page)).framesProcessed;
  await waitFrames(page, 2, from);
});
