// The model ladder on this project's GPU-less machines: the default URL runs WASM (a software
// adapter is not a GPU), where no model of the manifest holds a 60 fps clip's rate, so the player
// runs the cheapest one (by the manifest's FLOPs) with the lens on from its first measured frames,
// and says which and why in the header. A model named in the URL is the user's: it stays.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import { dropClip, state, waitFrames } from './helpers';

const manifest = JSON.parse(fs.readFileSync('models/manifest.json', 'utf8')) as { default: string; models: Array<{ id: string; flops_per_frame_1024?: number }> };
const cheapest = manifest.models.filter((m) => m.flops_per_frame_1024).sort((a, b) => a.flops_per_frame_1024! - b.flops_per_frame_1024!)[0].id;

/** The session log's rows so far: the model and the lens region ('' for the whole frame) of every frame shown. */
const rows = (page: Page): Promise<Array<{ model: string; lens: string }>> =>
  page.evaluate(() => {
    const log = (window as any).__sr.engine.frames.sessionLog;
    const out = [];
    for (let i = log.first; i < log.end; i++) {
      const r = log.row(i);
      if (r) out.push({ model: r.model, lens: r.lens });
    }
    return out;
  });

async function open(page: Page, query: string): Promise<void> {
  page.on('pageerror', (e) => console.log('[pageerror]', e.message));
  await page.goto(`/?demo=0${query}`);
  await expect.poll(() => page.evaluate(() => (window as any).__sr?.state().modelReady), { timeout: 90_000 }).toBe(true);
  await expect(page.getByTestId('stat-backend')).toHaveText('wasm fp32');
}

test(`default URL: the cheapest model (${cheapest}) with the lens on at once, and the header says why`, async ({ page }) => {
  await open(page, '');
  await dropClip(page, 'fast64.mp4'); // 64x64 at 60 fps: a whole frame of any model takes far longer than 16.7 ms here
  await expect(page.getByTestId('stat-lens')).toContainText('on by itself', { timeout: 60_000 });
  const note = page.getByTestId('model-note');
  await expect(note).toContainText(`${cheapest} with the lens: the cheapest model would take`);
  await expect(note).toContainText('a frame here at 64x64 (16.7 ms at 60 fps; predicted from');
  console.log(`header: ${await note.textContent()}`);
  await expect.poll(async () => (await state(page)).model, { timeout: 60_000 }).toBe(cheapest);
  await waitFrames(page, 3, (await state(page)).framesProcessed);
  const log = await rows(page);
  // at once: a warm-up run and two measured ones decide, not seconds of dropped frames; every frame
  // after it runs through the lens, smaller than the frame
  const first = log.findIndex((r) => r.lens);
  console.log(`first frame through the lens: #${first} of ${log.length}: ${log[first].lens} (${log[first].model})`);
  expect(first).toBeGreaterThanOrEqual(3);
  expect(first).toBeLessThanOrEqual(6);
  for (const r of log.slice(first)) {
    const [w, h] = r.lens.split('+')[0].split('x').map(Number);
    expect(w * h).toBeLessThan(64 * 64);
  }
  expect(log.at(-1)!.model).toBe(cheapest);
  await expect(page.getByTestId('model')).toHaveValue(cheapest);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test("?model=sr4x-c32: the user's model stays, whole frames, no pick in the header", async ({ page }) => {
  await open(page, '&model=sr4x-c32');
  await dropClip(page, 'fast64.mp4');
  await waitFrames(page, 4);
  expect((await state(page)).model).toBe('sr4x-c32');
  await expect(page.getByTestId('model')).toHaveValue('sr4x-c32');
  await expect(page.getByTestId('model-note')).toHaveCount(0);
  // where the pick would have put the lens on, the user's model runs on whole frames (the lens comes
  // on by itself only after seconds of dropped frames)
  const log = await rows(page);
  expect(log.slice(0, 4).map((r) => [r.model, r.lens])).toEqual(Array(4).fill(['sr4x-c32', '']));
});

test('a cheaper model in the manifest: switched to at once, kept on its own measured times; a pick in the menu wins, "auto" gives the pick back', async ({ page }) => {
  // a stand-in: the default's files, listed at half the cost of the cheapest model of the manifest
  // (and scoring lower), so it is the one picked, its own times come out far over the prediction,
  // and there is nothing cheaper to step down to
  const def = manifest.models.find((m) => m.id === manifest.default)! as Record<string, any>;
  const cheapestFlops = Math.min(...manifest.models.map((m) => m.flops_per_frame_1024 ?? Infinity));
  const standIn = { ...def, id: 'stand-in', flops_per_frame_1024: cheapestFlops / 2, metrics: { Set5: { model_y: 20 }, Set14: { model_y: 20 } } };
  await page.route(/\/models\/manifest\.json$/, (r) => r.fulfill({ json: { ...manifest, models: [...manifest.models, standIn] } }));
  await open(page, '');
  await dropClip(page, 'fast64.mp4');
  await expect.poll(async () => (await state(page)).model, { timeout: 60_000 }).toBe('stand-in');
  await expect(page.getByTestId('model-note')).toContainText('stand-in with the lens: the cheapest model would take');
  await expect(page.getByTestId('stat-lens')).toContainText('on by itself');
  const from = (await state(page)).framesProcessed;
  await waitFrames(page, 4, from); // its own runs measured: nowhere cheaper to go, it stays
  expect((await state(page)).model).toBe('stand-in');
  await expect(page.getByTestId('model-note')).toContainText("predicted from stand-in's measured time");

  await page.getByTestId('model').selectOption(manifest.default);
  await expect.poll(async () => (await state(page)).model).toBe(manifest.default);
  await expect(page.getByTestId('model-note')).toHaveCount(0);
  await waitFrames(page, 4, (await state(page)).framesProcessed);
  expect((await state(page)).model).toBe(manifest.default);

  await page.getByTestId('model').selectOption('auto');
  await expect.poll(async () => (await state(page)).model, { timeout: 60_000 }).toBe('stand-in');
  await expect(page.getByTestId('model-note')).toContainText('stand-in with the lens');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
