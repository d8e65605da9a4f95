// What a newcomer sees: `npm start`, the default URL, no parameters, on this project's
// GPU-less machines. Chromium offers a software WebGPU adapter (SwiftShader) here; the player must
// see that it is not a GPU, run the model on WASM, say why, and show a picture at once.
import { expect, test } from '@playwright/test';
import { canvasVariance, state } from './helpers';

test('default URL on a software adapter: WASM with the reason in the header; the demo original within 2 s of opening, the bicubic preview, then the model, then the lens by itself', async ({ page }) => {
  page.on('pageerror', (e) => console.log('[pageerror]', e.message));
  await page.goto('/');
  await expect(page.getByTestId('stat-backend')).toHaveText('wasm fp32', { timeout: 30_000 });
  await expect(page.getByTestId('backend-note')).toContainText(/software one \(.*\), not a GPU: the model runs on the CPU \(WASM\)/);
  await expect(page.locator('footer')).toContainText('demo.mp4 · 1024×1024', { timeout: 30_000 });
  await expect.poll(async () => (await page.evaluate(() => (window as any).__sr.marks())).preview, { timeout: 30_000 }).not.toBeNaN();
  const m = await page.evaluate(() => (window as any).__sr.marks());
  console.log(`demo: opened at ${m.opened.toFixed(0)} ms, original and bicubic preview on screen ${(m.preview - m.opened).toFixed(0)} ms later`);
  expect(m.preview - m.opened).toBeLessThan(2000);
  expect(await canvasVariance(page, 'video-original')).toBeGreaterThan(10);
  // side by side: both panes level and the same size (their captions differ: a menu on the left), so
  // a detail sits at the same height in both
  const [a, b] = await Promise.all(['video-original', 'video-upscaled'].map((id) => page.getByTestId(id).boundingBox()));
  expect([b!.y, b!.width, b!.height]).toEqual([a!.y, a!.width, a!.height]);
  // the upscaled pane is not black while the model works: the bicubic preview, labelled
  expect(await canvasVariance(page, 'video-upscaled')).toBeGreaterThan(10);
  await expect(page.getByTestId('preview-note')).toContainText(/bicubic preview · (upscaling the first frame|loading the model): \d+\.\d s/);
  // then the model's own frame, within a minute of opening
  await expect.poll(async () => (await state(page)).framesProcessed, { timeout: 60_000 }).toBeGreaterThan(0);
  const m2 = await page.evaluate(() => (window as any).__sr.marks());
  console.log(`demo: first model frame (1024x1024 -> 4096x4096 on WASM) ${((m2.firstModelFrame - m2.opened) / 1000).toFixed(1)} s after opening`);
  await expect(page.getByTestId('preview-note')).toHaveCount(0);
  expect(await canvasVariance(page, 'video-upscaled')).toBeGreaterThan(10);
  await expect(page.getByTestId('stat-model-clock')).toContainText('CPU');
  // seconds a whole frame here, against the demo's 60 fps: the lens comes on by itself and says so
  // (a frame that slow is the model's pace, not a stall)
  await expect(page.getByTestId('notice')).toContainText(/falling behind: \d+% of frames dropped .*the lens is on/, { timeout: 120_000 });
  await expect(page.getByTestId('stat-lens')).toContainText('on by itself');
  const m3 = await page.evaluate(() => (window as any).__sr.marks());
  console.log(`demo: the lens on by itself ${((performance.now() - m3.opened) / 1000).toFixed(1)} s after opening: ${await page.getByTestId('notice').textContent()}`);
});
