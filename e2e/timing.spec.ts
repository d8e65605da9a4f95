// How the player times itself (overlays, benchmarks): with timestamp-query the model is timed on
// the GPU's own clock and the loop does not wait for the GPU mid-frame, so the next frame is
// prepared while the GPU still works on this one; without it, the model is timed by waiting for
// the queue. What is checked is behaviour (overlap, consistent figures), never speed.
import { expect, test, type Page } from '@playwright/test';
import { median } from '../src/engine/metrics/sample.mjs';
import { dropClip, openPlayer, pause, state, waitFrames } from './helpers';

async function freeRun(page: Page, frames: number) {
  await dropClip(page, 'loop8.mp4');
  await waitFrames(page, 1);
  await page.evaluate(() => (window as any).__sr.setRealtime(false));
  const from = (await state(page)).framesProcessed;
  await waitFrames(page, frames, from);
  await pause(page);
  return page.evaluate(() => {
    const sr = (window as any).__sr;
    return { lat: sr.latencies(), log: sr.frameLog(), clock: sr.state().modelClock };
  });
}


test('GPU timestamps: the model is timed on the GPU clock and frames overlap on the GPU', async ({ page }) => {
  await openPlayer(page, 'model=sr4x-c32&engine=wgsl');
  const r = await freeRun(page, 12);
  expect(r.clock).toBe('gpu');
  await expect(page.getByTestId('stat-model-clock')).toContainText('GPU clock');
  const { frame, model } = r.lat;
  console.log(`timestamps: model median ${median(model).toFixed(1)} ms (n=${model.length}), frame median ${median(frame).toFixed(1)} ms (n=${frame.length})`);
  expect(model.length).toBeGreaterThanOrEqual(10);
  expect(model.every((v: number) => v > 0)).toBe(true);
  // the model is part of the frame: its GPU time cannot exceed the frame's wall time
  expect(median(model)).toBeLessThanOrEqual(median(frame));
  // a frame starts before the previous one is done on the GPU: the loop does not wait mid-frame
  // (a loop that waits never does; how often it happens depends on CPU and GPU speeds)
  const log = r.log.slice(-12);
  let overlaps = 0;
  for (let i = 1; i < log.length; i++) if (log[i].start < log[i - 1].shown) overlaps++;
  console.log(`frames started before the previous one was done: ${overlaps} of ${log.length - 1}`);
  expect(overlaps).toBeGreaterThan(0);
});

test('no timestamp-query: the model is timed by waiting for the queue', async ({ page }) => {
  await page.addInitScript(() => {
    const request = GPUAdapter.prototype.requestDevice;
    GPUAdapter.prototype.requestDevice = function (d?: GPUDeviceDescriptor) {
      const requiredFeatures = [...(d?.requiredFeatures ?? [])].filter((f) => f !== 'timestamp-query');
      return request.call(this, { ...d, requiredFeatures });
    };
  });
  await openPlayer(page, 'model=sr4x-c32&engine=wgsl');
  const r = await freeRun(page, 6);
  expect(r.clock).toBe('queue');
  await expect(page.getByTestId('stat-model-clock')).toContainText('queue wait');
  const { frame, model } = r.lat;
  console.log(`queue wait: model median ${median(model).toFixed(1)} ms, frame median ${median(frame).toFixed(1)} ms`);
  // timed on every frame (by waiting, so no comparison with the frame time: that holds by construction)
  expect(model.length).toBeGreaterThanOrEqual(6);
});
