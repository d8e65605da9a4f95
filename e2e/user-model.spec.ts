// "Your own model, side by side with ours". A model made by training/ at another
// width (scripts/make-test-models.py: C=16, its tensors named "lr"/"sr") is dropped, checked, run in
// the right pane with ours moved to the left (the A/B view), and both panes' output tensors must be
// onnxruntime-node's on the page's exact input, and both PSNRs the CPU filters' figures. Malformed
// models (text, 2x, two inputs, FP16 on a GPU without shader-f16) get their message and nothing
// else changes: the same model plays on, the model list stays as it was.
import { expect, test, type Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { bicubicUp4, downscale4, nchwTo8bit, psnrY, toNchw } from '../src/engine/metrics/filters';
import { halfToFloat, toF16 } from '../src/engine/gpu/half';
import { clip, dropClip, maxAbsDiff, openPlayer, pause, psnrOfCurrent, readTensor, readTexture, state, waitFrames } from './helpers';

/** FP32 on the page vs onnxruntime-node FP32, on [0,1] values: a quarter of one 8-bit step. */
const TENSOR_TOL = 1e-3;
const PSNR_TOL = 0.05;
const OURS = 'models/sr4x-c32.fp32.onnx';

test.setTimeout(360_000);

/** A model file on onnxruntime-node's CPU EP, by its own input/output names and precision. */
const sessions = new Map<string, ort.InferenceSession>();
async function runOutside(file: string, input: Float32Array, w: number, h: number): Promise<Float32Array> {
  let s = sessions.get(file);
  if (!s) sessions.set(file, (s = await ort.InferenceSession.create(file)));
  const fp16 = file.includes('fp16');
  const x = fp16 ? new ort.Tensor('float16', toF16(input), [1, 3, h, w]) : new ort.Tensor('float32', input, [1, 3, h, w]);
  const o = (await s.run({ [s.inputNames[0]]: x }))[s.outputNames[0]];
  if (o.type !== 'float16') return o.data as Float32Array;
  return o.data instanceof Uint16Array ? halfToFloat(o.data) : Float32Array.from(o.data as ArrayLike<number>);
}

/** Max |pane's tensor - onnxruntime-node's| for `file` on the input the page used. */
async function paneDiff(page: Page, which: 'full' | 'left', file: string): Promise<number> {
  const input = await readTexture(page, 'input');
  const t = await readTensor(page, which);
  expect([t.width, t.height]).toEqual([4 * input.width, 4 * input.height]);
  return maxAbsDiff(t.data, await runOutside(file, toNchw({ ...input, channels: 4 }), input.width, input.height));
}

/** Consistency PSNR of an 8-bit 4x picture (RGB) against the input, as the CPU filters compute it. */
function consistencyPsnr(out8: Uint8Array, input: { width: number; height: number; data: Uint8Array }): number {
  const ds = downscale4({ width: 4 * input.width, height: 4 * input.height, channels: 3, data: out8 });
  return psnrY({ ...ds, channels: 3 }, { ...input, channels: 4 });
}

const drop = (page: Page, name: string) => page.getByTestId('file-input').setInputFiles(clip(name));
/** Every frame, none dropped: two models a frame fall behind on this machine, and the lens would
 *  come on by itself (frames.ts), making each pane's output the lens's. */
const freeRunning = (page: Page) => page.evaluate(() => (window as any).__sr.setRealtime(false));
const modelOptions = (page: Page) => page.getByTestId('model').locator('option').allTextContents();

test('webgpu: wrong models are refused with their reason while ours plays on; yours runs beside ours, both = onnxruntime-node', async ({ page }) => {
  await openPlayer(page);
  await freeRunning(page);
  await expect(page.getByTestId('stat-backend')).toHaveText('webgpu fp32');
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 1);
  const before = await modelOptions(page);
  await expect(page.getByTestId('left-pane')).toHaveValue('original');

  const bad: [string, string][] = [
    ['user-not-onnx.onnx', '"user-not-onnx.onnx" is not an ONNX model (it is a text file)'],
    ['user-x2.onnx', '"user-x2.onnx" is not a 4x model: an 8x8 test input gave 16x16 (2x); the player upscales 4x (8x8 -> 32x32)'],
    ['user-two-inputs.onnx', '"user-two-inputs.onnx" has 2 inputs ("a", "b"): the player feeds one image, 1x3xHxW'],
    ['user-c16.fp16.onnx', '"user-c16.fp16.onnx" is an FP16 model and this GPU has no shader-f16: export it in FP32'],
  ];
  for (const [file, msg] of bad) {
    await drop(page, file);
    await expect(page.getByTestId('error-banner')).toContainText(msg);
    console.log(`${file}: ${await page.getByTestId('error-banner').locator('span').textContent()}`);
    const s = await state(page);
    expect([s.model, s.compare, s.modelReady]).toEqual(['sr4x-c32', 'original', true]);
    expect(await modelOptions(page)).toEqual(before);
    await page.getByRole('button', { name: 'dismiss' }).click();
  }
  // the video played on through all of it
  await waitFrames(page, 1, (await state(page)).framesProcessed);

  // yours: checked, then it runs on the right, ours on the left
  await drop(page, 'user-c16.onnx');
  await expect(page.getByTestId('notice')).toContainText(
    'model "user-c16.onnx" checked (input "lr", output "sr", float32, 8x8 -> 32x32 (4x), 0.2 MB): it runs on the right, sr4x-c32 on the left',
  );
  console.log(`notice: ${await page.getByTestId('notice').textContent()}`);
  expect(await modelOptions(page)).toEqual([...before, 'user-c16.onnx (yours)']);
  await expect(page.getByTestId('model')).toHaveValue('user-c16.onnx');
  await expect(page.getByTestId('left-pane')).toHaveValue('sr4x-c32');
  await expect(page.getByTestId('stat-engine')).toHaveText('onnxruntime-web');
  await waitFrames(page, 1, (await state(page)).framesProcessed);
  await pause(page);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);

  const right = await paneDiff(page, 'full', clip('user-c16.onnx'));
  const left = await paneDiff(page, 'left', OURS);
  console.log(`webgpu A/B: right (user-c16) vs onnxruntime-node max |diff| = ${right.toExponential(2)}; left (sr4x-c32) = ${left.toExponential(2)}`);
  expect(right).toBeLessThan(TENSOR_TOL);
  expect(left).toBeLessThan(TENSOR_TOL);

  // each pane its own PSNR, both the CPU filters' figure on onnxruntime-node's outputs
  const input = await readTexture(page, 'input');
  const x = toNchw({ ...input, channels: 4 }), [w, h] = [input.width, input.height];
  const p = await psnrOfCurrent(page, 'consistency');
  const refRight = consistencyPsnr(nchwTo8bit(await runOutside(clip('user-c16.onnx'), x, w, h), 4 * w, 4 * h), input);
  const refLeft = consistencyPsnr(nchwTo8bit(await runOutside(OURS, x, w, h), 4 * w, 4 * h), input);
  console.log(`consistency PSNR: yours ${p.model.toFixed(3)} dB (outside ${refRight.toFixed(3)}), ours on the left ${(p as any).left.toFixed(3)} dB (outside ${refLeft.toFixed(3)})`);
  expect(Math.abs(p.model - refRight)).toBeLessThan(PSNR_TOL);
  expect(Math.abs((p as any).left - refLeft)).toBeLessThan(PSNR_TOL);
  await expect(page.getByTestId('stat-psnr-left')).toHaveText(/^\d+\.\d\d dB$/);
  await expect(page.getByTestId('stat-psnr')).toHaveText(/^\d+\.\d\d dB$/);

  // the left pane as bicubic: its picture is bicubicUp4 of the input, its PSNR bicubic's
  await page.getByTestId('left-pane').selectOption('bicubic');
  await expect.poll(async () => (await state(page)).compare).toBe('bicubic');
  await expect.poll(async () => (await state(page)).psnr?.left).not.toBe((p as any).left);
  const bic = bicubicUp4({ ...input, channels: 4 }).data;
  const l8 = await readTexture(page, 'left');
  let off = 0;
  for (let i = 0; i < 16 * w * h; i++) for (let c = 0; c < 3; c++) off = Math.max(off, Math.abs(l8.data[i * 4 + c] - bic[i * 3 + c]));
  const pb = (await state(page)).psnr;
  console.log(`left pane bicubic: max |page - bicubicUp4| = ${off} levels; PSNR ${pb.left.toFixed(3)} dB (outside ${consistencyPsnr(bic, input).toFixed(3)})`);
  expect(off).toBeLessThanOrEqual(1);
  expect(Math.abs(pb.left - consistencyPsnr(bic, input))).toBeLessThan(PSNR_TOL);

  // the other way round: ours on the right, yours on the left
  await page.getByTestId('model').selectOption('sr4x-c32');
  await page.getByTestId('left-pane').selectOption('user-c16.onnx');
  await expect.poll(async () => {
    const s = await state(page);
    return [s.model, s.compare, s.modelReady];
  }).toEqual(['sr4x-c32', 'user-c16.onnx', true]);
  await page.evaluate(() => (window as any).__sr.idle());
  await expect.poll(async () => (await page.evaluate(() => (window as any).__sr.readTensor('left').then(() => true, () => false)))).toBe(true);
  const swapped = await paneDiff(page, 'left', clip('user-c16.onnx'));
  console.log(`webgpu A/B swapped: left (user-c16) vs onnxruntime-node max |diff| = ${swapped.toExponential(2)}`);
  expect(swapped).toBeLessThan(TENSOR_TOL);
  expect(await paneDiff(page, 'full', OURS)).toBeLessThan(TENSOR_TOL);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('wasm: an FP16 model of your own runs on the CPU, the A/B view under the lens is the whole frame\'s output in both panes', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  await freeRunning(page);
  await dropClip(page, 'lens96x80.mp4');
  await waitFrames(page, 1);
  // checked in the WASM worker too
  await drop(page, 'user-x2.onnx');
  await expect(page.getByTestId('error-banner')).toContainText('"user-x2.onnx" is not a 4x model: an 8x8 test input gave 16x16 (2x)');
  await page.getByRole('button', { name: 'dismiss' }).click();
  await drop(page, 'user-c16.fp16.onnx');
  await expect(page.getByTestId('notice')).toContainText('model "user-c16.fp16.onnx" checked (input "lr", output "sr", float16, 8x8 -> 32x32 (4x)');
  await expect(page.getByTestId('left-pane')).toHaveValue('sr4x-c32');
  await waitFrames(page, 1, (await state(page)).framesProcessed);
  await pause(page);
  const fp16 = clip('user-c16.fp16.onnx');
  const right = await paneDiff(page, 'full', fp16), left = await paneDiff(page, 'left', OURS);
  console.log(`wasm A/B: right (user-c16 FP16) vs onnxruntime-node max |diff| = ${right.toExponential(2)}; left (sr4x-c32) = ${left.toExponential(2)}`);
  expect(right).toBeLessThan(TENSOR_TOL);
  expect(left).toBeLessThan(1e-4);

  // the lens: both panes' models run on its crop; inside its region each equals its whole-frame output
  const box = (await page.getByTestId('video-upscaled').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -240);
  await page.keyboard.press('l');
  await expect(page.getByTestId('stat-lens')).toContainText(/lens \d+×\d+/);
  await expect.poll(() => page.evaluate(() => (window as any).__sr.lens())).not.toBeNull();
  await page.evaluate(() => (window as any).__sr.idle());
  const input = await readTexture(page, 'input');
  const x = toNchw({ ...input, channels: 4 }), W = 4 * input.width, H = 4 * input.height;
  for (const [which, file, tol] of [['full', fp16, TENSOR_TOL], ['left', OURS, 1e-4]] as const) {
    const t = await page.evaluate(async (wh) => {
      const r = await (window as any).__sr.readTensor(wh);
      return { width: r.width, height: r.height, data: Array.from(r.data as Float32Array), lens: r.lens };
    }, which);
    const whole = await runOutside(file, x, input.width, input.height);
    const { region: r, crop: c } = t.lens;
    expect(r.width * r.height).toBeLessThan(input.width * input.height);
    expect([t.width, t.height]).toEqual([4 * c.width, 4 * c.height]);
    let d = 0;
    for (let ch = 0; ch < 3; ch++)
      for (let y = 4 * r.y; y < 4 * (r.y + r.height); y++)
        for (let xx = 4 * r.x; xx < 4 * (r.x + r.width); xx++)
          d = Math.max(d, Math.abs(t.data[ch * t.width * t.height + (y - 4 * c.y) * t.width + (xx - 4 * c.x)] - whole[ch * W * H + y * W + xx]));
    console.log(`wasm lens ${JSON.stringify(r)}: ${which} pane vs whole-frame onnxruntime-node max |diff| = ${d.toExponential(2)}`);
    expect(d).toBeLessThan(tol);
  }
  await expect(page.getByTestId('stat-psnr-left')).toHaveText(/^\d+\.\d\d dB$/);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('?model=<same-origin path>.onnx loads your model beside ours; another origin is refused with a note', async ({ page }) => {
  await page.route((u) => u.pathname === '/my-models/user-c16.onnx', (route) => route.fulfill({ path: clip('user-c16.onnx'), contentType: 'application/octet-stream' }));
  await openPlayer(page, 'backend=wasm&model=/my-models/user-c16.onnx');
  await expect.poll(async () => (await state(page)).model).toBe('user-c16.onnx');
  expect((await state(page)).compare).toBe('sr4x-c32');
  await expect(page.getByTestId('notice')).toContainText('model "user-c16.onnx" checked');

  await page.goto('/?demo=0&backend=wasm&model=https://example.com/m.onnx');
  await expect(page.getByTestId('notice')).toContainText("ignored ?model=https://example.com/m.onnx (not on this page's origin");
  await expect.poll(async () => (await state(page)).model, { timeout: 90_000 }).toBe('sr4x-c32');
});
