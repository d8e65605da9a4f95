// The player on software WebGPU (SwiftShader: FP32 model) with tiny generated clips. Each number the
// page shows or computes is checked against an outside computation: onnxruntime-node (CPU) running
// the same FP32 model on the exact input read back from the page, and the CPU filters in
// src/engine/metrics/filters.ts (pinned by unit tests to hand-computed values).
import { expect, test } from '@playwright/test';
import { bicubicUp4, downscale4, nchwTo8bit, psnrY, toNchw } from '../src/engine/metrics/filters';
import { rng } from '../src/engine/metrics/sample.mjs';
import {
  canvasVariance, dropClip, maxAbsDiff, openPlayer, pause, psnrOfCurrent, readTensor, readTexture, runModelOutside, state, waitFrames,
} from './helpers';

/** GPU FP32 vs onnxruntime-node FP32, on [0,1] values: 1e-3 is a quarter of one 8-bit step. */
const TENSOR_TOL = 1e-3;
const PSNR_TOL = 0.05;

test('webgpu: both canvases render, output matches the FP32 model outside the browser, consistency PSNR matches', async ({ page }) => {
  await openPlayer(page);
  await expect(page.getByTestId('stat-backend')).toHaveText('webgpu fp32'); // SwiftShader has no shader-f16
  await expect(page.getByTestId('backend-note')).toContainText('this GPU has no shader-f16: running the FP32 model');
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  await pause(page);
  await expect(page.getByTestId('play-toggle')).toHaveText('Play');

  expect(await canvasVariance(page, 'video-original')).toBeGreaterThan(10);
  expect(await canvasVariance(page, 'video-upscaled')).toBeGreaterThan(10);
  await expect(page.getByTestId('stat-latency')).toHaveText(/^\d+\.\d ms$/);
  await expect(page.getByTestId('stat-fps')).toHaveText(/^\d+\.\d$/);
  await expect(page.getByTestId('psnr-mode')).toHaveValue('consistency');
  await expect(page.getByTestId('stat-psnr-mode')).toHaveText('consistency');

  const input = await readTexture(page, 'input');
  expect([input.width, input.height]).toEqual([32, 32]);
  const tensor = await readTensor(page, 'full');
  expect([tensor.width, tensor.height]).toEqual([128, 128]);
  const outside = await runModelOutside('full', toNchw({ ...input, channels: 4 }), 32, 32);
  const diff = maxAbsDiff(tensor.data, outside);
  console.log(`webgpu vs onnxruntime-node: max |diff| = ${diff.toExponential(2)}`);
  expect(diff).toBeLessThan(TENSOR_TOL);

  // the displayed 8-bit output = clamp + round of the model output
  const out8 = await readTexture(page, 'output');
  const expected8 = nchwTo8bit(outside, 128, 128);
  let off = 0, maxOff = 0;
  for (let i = 0; i < 128 * 128; i++)
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(out8.data[i * 4 + c] - expected8[i * 3 + c]);
      if (d) off++;
      maxOff = Math.max(maxOff, d);
    }
  expect(maxOff).toBeLessThanOrEqual(1);
  expect(off / (128 * 128 * 3)).toBeLessThan(0.01);

  // consistency PSNR: output downscaled 4x (same MATLAB bicubic) vs the input frame
  const page_ = await psnrOfCurrent(page, 'consistency');
  const ds = downscale4({ width: 128, height: 128, channels: 3, data: expected8 });
  const ref = psnrY({ ...ds, channels: 3 }, { ...input, channels: 4 });
  console.log(`consistency PSNR page ${page_.model.toFixed(4)} dB, outside ${ref.toFixed(4)} dB`);
  expect(Math.abs(page_.model - ref)).toBeLessThan(PSNR_TOL);
  await expect(page.getByTestId('stat-psnr')).toHaveText(/^\d+\.\d\d dB$/);
  expect(Math.abs(parseFloat((await page.getByTestId('stat-psnr').textContent())!) - page_.model)).toBeLessThan(0.006);
});

test('webgpu: reference mode downscales on the GPU and its model and bicubic PSNR match the outside computation', async ({ page }) => {
  await openPlayer(page, 'psnr=reference');
  await expect(page.getByTestId('psnr-mode')).toHaveValue('reference');
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 1);
  await pause(page);
  const p = await psnrOfCurrent(page, 'reference');

  const gt = await readTexture(page, 'frame');
  const lr = await readTexture(page, 'input');
  expect([gt.width, gt.height, lr.width, lr.height]).toEqual([32, 32, 8, 8]);
  expect(lr.frameIndex).toBe(gt.frameIndex);
  const cpuLr = downscale4({ ...gt, channels: 4 });
  let maxD = 0;
  for (let i = 0; i < 64; i++) for (let c = 0; c < 3; c++) maxD = Math.max(maxD, Math.abs(cpuLr.data[i * 3 + c] - lr.data[i * 4 + c]));
  expect(maxD).toBeLessThanOrEqual(1);

  const out = await runModelOutside('full', toNchw({ ...lr, channels: 4 }), 8, 8);
  const modelPsnr = psnrY({ width: 32, height: 32, channels: 3, data: nchwTo8bit(out, 32, 32) }, { ...gt, channels: 4 });
  const bicPsnr = psnrY({ ...bicubicUp4({ ...lr, channels: 4 }), channels: 3 }, { ...gt, channels: 4 });
  console.log(`reference PSNR model page ${p.model.toFixed(4)} / outside ${modelPsnr.toFixed(4)}; bicubic page ${p.bicubic.toFixed(4)} / outside ${bicPsnr.toFixed(4)}`);
  expect(Math.abs(p.model - modelPsnr)).toBeLessThan(PSNR_TOL);
  expect(Math.abs(p.bicubic - bicPsnr)).toBeLessThan(PSNR_TOL);
  await expect(page.getByTestId('stat-psnr-mode')).toHaveText('reference');
  await expect(page.getByTestId('stat-psnr')).toHaveText(/^\d+\.\d\d dB$/);
  await expect(page.getByTestId('stat-psnr-bicubic')).toHaveText(/^\d+\.\d\d dB$/);
});

test('webgpu: view toggle shows the low path and the high residual; low + high reproduces full', async ({ page }) => {
  await openPlayer(page);
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 1);
  await pause(page);
  const fi = (await state(page)).frameIndex;
  await page.getByTestId('gain').fill('0'); // 2^0 = gain 1
  await expect(page.getByTestId('gain').locator('..')).toContainText('1×');

  const view = async (v: string) => {
    await page.getByTestId('view-mode').selectOption(v);
    await expect(page.getByTestId('view-mode')).toHaveValue(v);
    await expect.poll(async () => (await state(page)).view).toBe(v);
    await page.evaluate(() => (window as any).__sr.idle());
    return readTexture(page, 'view');
  };
  const full = await view('full');
  const low = await view('low');
  const high = await view('high');
  expect((await state(page)).frameIndex).toBe(fi);
  expect(maxAbsDiff(full.data, high.data)).toBeGreaterThan(0); // the toggle changes the picture

  // low matches the low-frequency model outside the browser, and differs from full exactly when
  // the outside full and low outputs differ (an untrained model's body adds ~nothing)
  const input = await readTexture(page, 'input');
  const x = toNchw({ ...input, channels: 4 });
  const lowOut = nchwTo8bit(await runModelOutside('low', x, 32, 32), 128, 128);
  const fullOut = nchwTo8bit(await runModelOutside('full', x, 32, 32), 128, 128);
  expect(maxAbsDiff(full.data, low.data) > 0).toBe(maxAbsDiff(fullOut, lowOut) > 0);
  let maxLow = 0;
  for (let i = 0; i < 128 * 128; i++) for (let c = 0; c < 3; c++) maxLow = Math.max(maxLow, Math.abs(lowOut[i * 3 + c] - low.data[i * 4 + c]));
  expect(maxLow).toBeLessThanOrEqual(1);

  // high = 0.5 + (full - low): low + (high - 127.5) == full up to rounding, wherever nothing clipped
  let checked = 0, worst = 0;
  for (let i = 0; i < full.data.length; i++) {
    if (i % 4 === 3) continue;
    const h = high.data[i], f = full.data[i], l = low.data[i];
    if (h === 0 || h === 255 || f === 0 || f === 255 || l === 0 || l === 255) continue;
    worst = Math.max(worst, Math.abs(l + (h - 127.5) - f));
    checked++;
  }
  console.log(`low + high vs full: ${checked} samples, worst ${worst}`);
  expect(checked).toBeGreaterThan(full.data.length * 0.3);
  expect(worst).toBeLessThanOrEqual(2.5); // two 8-bit roundings + the half-step offset
});

// a text file named .mp4 and the other bad input: bad-input.spec.ts

test('GPU downscale, bicubic and PSNR passes match the CPU reference on random data', async ({ page }) => {
  await openPlayer(page);
  const w = 52, h = 36; // not multiples of 16; 52 x 36 -> 13 x 9 LR
  const u = rng(12345), rnd = () => Math.floor(u() * 256);
  const a = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : rnd()));
  const b = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : Math.min(255, Math.max(0, a[i] + (rnd() % 21) - 10))));
  const r = await page.evaluate(
    async ({ a, b, w, h }) => {
      const t = await (window as any).__sr.passSelfTest(new Uint8Array(a), new Uint8Array(b), w, h);
      return { down: Array.from(t.down as Uint8Array), up: Array.from(t.up as Uint8Array), sse: t.sse, count: t.count, lrW: t.lrW, lrH: t.lrH };
    },
    { a: Array.from(a), b: Array.from(b), w, h },
  );
  const A = { width: w, height: h, channels: 4 as const, data: a };
  const cpuDown = downscale4(A);
  expect([r.lrW, r.lrH]).toEqual([13, 9]);
  let dd = 0, du = 0;
  for (let i = 0; i < 13 * 9; i++) for (let c = 0; c < 3; c++) dd = Math.max(dd, Math.abs(cpuDown.data[i * 3 + c] - r.down[i * 4 + c]));
  // bicubic on the GPU's LR (so this checks the upscale alone)
  const gpuLr = { width: 13, height: 9, channels: 4 as const, data: r.down };
  const cpuUp = bicubicUp4(gpuLr);
  for (let i = 0; i < 52 * 36; i++) for (let c = 0; c < 3; c++) du = Math.max(du, Math.abs(cpuUp.data[i * 3 + c] - r.up[i * 4 + c]));
  expect(dd).toBeLessThanOrEqual(1);
  expect(du).toBeLessThanOrEqual(1);
  const cpuPsnr = psnrY(A, { width: w, height: h, channels: 4, data: b });
  const gpuPsnr = 10 * Math.log10((255 * 255) / (r.sse / r.count));
  console.log(`shader test: downscale max diff ${dd}, bicubic max diff ${du}, PSNR gpu ${gpuPsnr.toFixed(5)} cpu ${cpuPsnr.toFixed(5)}`);
  expect(r.count).toBe((w - 8) * (h - 8));
  expect(Math.abs(gpuPsnr - cpuPsnr)).toBeLessThan(1e-3);
});
