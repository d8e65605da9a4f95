// The player with `?engine=wgsl`: our own WGSL kernels instead of onnxruntime-web, on the same
// frames, checked against onnxruntime-node (CPU) running the committed FP32 ONNX files.
import { expect, test } from '@playwright/test';
import { toNchw } from '../src/engine/filters';
import { dropClip, maxAbsDiff, openPlayer, pause, readTensor, readTexture, runModelOutside, state, waitFrames } from './helpers';

test('webgpu with the WGSL engine: full and low outputs match the FP32 model outside the browser', async ({ page }) => {
  await openPlayer(page, 'engine=wgsl&view=low');
  await expect(page.getByTestId('stat-backend')).toHaveText('webgpu fp32');
  expect((await state(page)).engine).toBe('wgsl');
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  await pause(page);
  const input = await readTexture(page, 'input');
  const x = toNchw({ ...input, channels: 4 });
  for (const which of ['full', 'low'] as const) {
    const tensor = await readTensor(page, which);
    expect([tensor.width, tensor.height]).toEqual([4 * input.width, 4 * input.height]);
    const diff = maxAbsDiff(tensor.data, await runModelOutside(which, x, input.width, input.height));
    console.log(`wgsl engine ${which} vs onnxruntime-node: max |diff| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-3);
  }
});
