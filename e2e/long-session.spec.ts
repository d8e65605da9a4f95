// Long sessions: a looping clip played for a few thousand frames leaves the GPU buffers,
// textures, open VideoFrames and model outputs where they started, and latency stays put. The model
// runs on every frame, free-running (every frame, no waiting for timestamps), on the narrowest model
// and an 8x8 clip. The fastest real paths here: the WASM backend with the GPU passes around
// it (onnxruntime-web's WebGPU EP takes ~0.5 s per frame on SwiftShader), and the all-GPU path with
// our WGSL engine (?engine=wgsl). SR_LONG_FRAMES overrides the WASM run's count.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import { percentile as pct } from '../src/engine/metrics/sample.mjs';
import { dropClip, openPlayer, state, waitFrames } from './helpers';

const FRAMES = Number(process.env.SR_LONG_FRAMES ?? 1600);
const FRAMES_GPU = Math.round(FRAMES * 0.3);
const WARMUP = 150;
/** the manifest's cheapest model: the frame path around it is what these runs are about */
const NARROWEST = JSON.parse(fs.readFileSync('models/manifest.json', 'utf8')).models.reduce((a: any, b: any) => (b.flops_per_frame_1024 < a.flops_per_frame_1024 ? b : a)).id;

/** Counters and the last 120 frame latencies, with nothing in flight. */
async function sample(page: Page) {
  return page.evaluate(async () => {
    const sr = (window as any).__sr;
    await sr.idle();
    return { counters: sr.counters(), latency: sr.latencies().frame as number[], model: sr.latencies().model as number[], frames: sr.state().framesProcessed };
  });
}

async function longSession(page: Page, query: string, frames: number): Promise<void> {
  // up to 150 ms a frame (about 60 ms here) plus start-up
  test.setTimeout(120_000 + frames * 150);
  await openPlayer(page, query);
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize / 2 ** 20;
  };
  await dropClip(page, 'loop8.mp4'); // 30 frames, 8x8
  await page.evaluate(() => (window as any).__sr.setRealtime(false));
  await waitFrames(page, WARMUP);
  const t0 = Date.now();
  const start = await sample(page);
  const heap0 = await heap();

  await expect.poll(async () => (await state(page)).framesProcessed - start.frames, { timeout: frames * 150, intervals: [1000] }).toBeGreaterThanOrEqual(frames);
  const end = await sample(page);
  const heap1 = await heap();
  const secs = (Date.now() - t0) / 1000;
  const n = end.frames - start.frames;

  const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms`;
  console.log(`long session (${query}): ${n} frames in ${secs.toFixed(0)} s (${(n / secs).toFixed(1)} fps), ${end.counters.videoFramesOpened - start.counters.videoFramesOpened} VideoFrames decoded`);
  console.log(`  frame latency start (frames ${start.frames - 119}..${start.frames}): ${fmt(start.latency)}; end (${end.frames - 119}..${end.frames}): ${fmt(end.latency)}`);
  console.log(`  model latency start: ${fmt(start.model)}; end: ${fmt(end.model)}`);
  console.log(`  JS heap after GC: ${heap0.toFixed(1)} MiB -> ${heap1.toFixed(1)} MiB`);
  console.log(`  counters start ${JSON.stringify(start.counters)}\n  counters end   ${JSON.stringify(end.counters)}`);

  expect(end.counters.buffersLive).toBe(start.counters.buffersLive);
  expect(end.counters.texturesLive).toBe(start.counters.texturesLive);
  expect(end.counters.videoFramesOpen).toBe(start.counters.videoFramesOpen);
  expect(end.counters.ortOutputsLive).toBe(start.counters.ortOutputsLive);
  expect(end.counters.videoFramesOpened - start.counters.videoFramesOpened).toBeGreaterThanOrEqual(frames);
  // nothing is re-created per frame once running
  expect(end.counters.buffersCreated).toBe(start.counters.buffersCreated);
  expect(end.counters.texturesCreated).toBe(start.counters.texturesCreated);
  // GC is not deterministic: a generous bound only
  expect(heap1 - heap0).toBeLessThan(32);
  // latency at the start and the end is printed (docs/PERFORMANCE.md), never asserted: speed is
  // for benchmarks, and this machine is shared
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  const s = await state(page);
  expect(s.frame).toEqual({ width: 8, height: 8 });
}

test(`long session, WASM backend: ${FRAMES} frames of a looping clip leave GPU buffers, textures, VideoFrames and ORT outputs flat`, async ({ page }) => {
  await longSession(page, `backend=wasm&model=${NARROWEST}`, FRAMES);
});

test(`long session, all on the GPU (WGSL engine): ${FRAMES_GPU} frames leave GPU buffers, textures, VideoFrames and model outputs flat`, async ({ page }) => {
  await longSession(page, `engine=wgsl&model=${NARROWEST}`, FRAMES_GPU);
  expect((await state(page)).engine).toBe('wgsl');
});
