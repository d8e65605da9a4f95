// Play/pause, step, seek and their keyboard shortcuts (on the WASM backend: fast on this machine).
import { expect, test } from '@playwright/test';
import { dropClip, openPlayer, state, waitFrames } from './helpers';

test('play-toggle, step one frame, seek and keyboard shortcuts', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  await dropClip(page, 'tiny32.mp4'); // 6 frames at 10 fps
  await waitFrames(page, 2);
  await page.getByTestId('play-toggle').click();
  await expect(page.getByTestId('play-toggle')).toHaveText('Play');
  await page.evaluate(() => (window as any).__sr.idle());
  const frameNow = async () => {
    await page.evaluate(() => (window as any).__sr.idle());
    return (await state(page)).frameIndex;
  };
  const f0 = await frameNow();
  await page.waitForTimeout(500);
  expect(await frameNow()).toBe(f0); // paused: nothing advances

  await page.getByTestId('step').click();
  await expect.poll(frameNow).toBe((f0 + 1) % 6);
  expect((await state(page)).playing).toBe(false);

  await page.locator('body').press('Home');
  await expect.poll(frameNow).toBe(0);
  await page.locator('body').press('ArrowRight');
  await expect.poll(frameNow).toBe(1);
  await page.locator('body').press('ArrowRight');
  await expect.poll(frameNow).toBe(2);
  await page.locator('body').press('ArrowLeft');
  await expect.poll(frameNow).toBe(1);

  await page.getByTestId('seek').fill('0.4');
  await expect.poll(frameNow).toBe(4);

  await page.locator('body').press('Space');
  await expect(page.getByTestId('play-toggle')).toHaveText('Pause');
  const before = (await state(page)).framesProcessed;
  await waitFrames(page, 3, before);
  await page.locator('body').press('Space');
  await expect(page.getByTestId('play-toggle')).toHaveText('Play');
});
