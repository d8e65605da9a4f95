// The player with `?engine=wgsl`: our own WGSL kernels instead of onnxruntime-web, on the same
// frames, checked against onnxruntime-node (CPU) running the committed FP32 ONNX files.
import { expect, test } from '@playwright/test';
import { dropClip, openPlayer, outputDiff, pause, state, waitFrames } from './helpers';

test('webgpu with the WGSL engine: full and low outputs match the FP32 model outside the browser', async ({ page }) => {
  await openPlayer(page, 'engine=wgsl&view=low');
  await expect(page.getByTestId('stat-backend')).toHaveText('webgpu fp32');
  expect((await state(page)).engine).toBe('wgsl');
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  await pause(page);
  for (const which of ['full', 'low'] as const) {
    const diff = await outputDiff(page, which);
    console.log(`wgsl engine ${which} vs onnxruntime-node: max |diff| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-3);
  }
});
