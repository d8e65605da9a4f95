// Every width the manifest ships, one after another in one page, on the real software adapter
// (FP32: SwiftShader has no shader-f16) and on the CPU: each picked in the model menu, the paused
// frame goes through it again, and its output and its low-frequency path equal onnxruntime-node's
// run of the same FP32 file on the exact input the page used. The FP16 files are checked the same
// way under lavapipe (tests/f16).
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import { dropClip, openPlayer, outputDiff, pause, state, waitFrames } from './helpers';

const manifest = JSON.parse(fs.readFileSync('models/manifest.json', 'utf8')) as { models: Array<{ id: string; flops_per_frame_1024: number }> };
// narrowest first: a slow width never holds up the quick ones
const ids = [...manifest.models].sort((a, b) => a.flops_per_frame_1024 - b.flops_per_frame_1024).map((m) => m.id);
const TOL = 1e-4;

async function eachModel(page: Page, label: string): Promise<void> {
  for (const id of ids) {
    if ((await state(page)).model !== id) {
      await page.getByTestId('model').selectOption(id);
      await expect.poll(async () => (await state(page)).model, { timeout: 90_000 }).toBe(id);
    }
    await expect.poll(async () => (await state(page)).modelReady, { timeout: 90_000 }).toBe(true);
    // the paused frame shown again through this model (a switch re-runs the frame on screen)
    await pause(page);
    await expect.poll(async () => (await state(page)).frameIndex, { timeout: 60_000 }).toBeGreaterThanOrEqual(0);
    const full = await outputDiff(page, 'full', id), low = await outputDiff(page, 'low', id);
    console.log(`${label} ${id}: max |diff| vs onnxruntime-node: full ${full.toExponential(2)}, low ${low.toExponential(2)}`);
    expect(full, `${id} full`).toBeLessThan(TOL);
    expect(low, `${id} low`).toBeLessThan(TOL);
  }
}

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`${backend}: every model of the manifest, picked in turn, equals onnxruntime-node (full and low paths)`, async ({ page }) => {
    test.setTimeout(300_000);
    expect(ids.length).toBe(manifest.models.length);
    // the high view runs both paths (high = full - low), so both outputs are there to read
    await openPlayer(page, `backend=${backend}&engine=ort&view=high&model=${ids[0]}`);
    await dropClip(page, 'tiny32.mp4');
    await waitFrames(page, 1);
    await pause(page);
    await eachModel(page, backend);
  });
}
