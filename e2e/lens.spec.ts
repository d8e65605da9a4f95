// The lens: the model runs only on the zoomed region plus the network's 17-pixel
// margin, the rest shows bicubic. Inside the region its pixels must be the whole frame's output, to
// float tolerance, against onnxruntime-node run on the whole frame; it follows zoom and pan; and it
// comes on by itself when the player falls behind, and says so.
import { expect, test, type Page } from '@playwright/test';
import { downscale4, nchwTo8bit, psnrY, toNchw } from '../src/engine/metrics/filters';
import { dropClip, openPlayer, pause, psnrOfCurrent, readTexture, runModelOutside, state, waitFrames } from './helpers';

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Lens {
  region: Rect;
  crop: Rect;
}

const lensOf = (page: Page): Promise<Lens | null> => page.evaluate(() => (window as any).__sr.lens());
const idle = (page: Page) => page.evaluate(() => (window as any).__sr.idle());

/** The lens's output tensor (its crop, 4x) and its regions. */
async function lensTensor(page: Page) {
  return page.evaluate(async () => {
    const t = await (window as any).__sr.readTensor('full');
    return { width: t.width, height: t.height, data: Array.from(t.data as Float32Array), lens: t.lens };
  });
}

/** Max |lens output - whole-frame output| over the lens's region (output pixels), all channels. */
async function lensVsWhole(page: Page): Promise<{ diff: number; lens: Lens; frame: [number, number]; psnr: number }> {
  const input = await readTexture(page, 'input');
  const t = await lensTensor(page);
  expect(t.lens).not.toBeNull();
  const W = 4 * input.width, H = 4 * input.height;
  const whole = await runModelOutside('full', toNchw({ ...input, channels: 4 }), input.width, input.height);
  const { region: r, crop: c } = t.lens as Lens;
  expect([t.width, t.height]).toEqual([4 * c.width, 4 * c.height]);
  let diff = 0;
  for (let ch = 0; ch < 3; ch++) {
    for (let y = 4 * r.y; y < 4 * (r.y + r.height); y++) {
      for (let x = 4 * r.x; x < 4 * (r.x + r.width); x++) {
        const a = t.data[ch * t.width * t.height + (y - 4 * c.y) * t.width + (x - 4 * c.x)];
        diff = Math.max(diff, Math.abs(a - whole[ch * W * H + y * W + x]));
      }
    }
  }
  // the lens's consistency PSNR, from the whole frame's output: its region, 4x down, against the
  // input's pixels under it
  const out8 = nchwTo8bit(whole, W, H), R = { x: 4 * r.x, y: 4 * r.y, width: 4 * r.width, height: 4 * r.height };
  const crop = (d: ArrayLike<number>, w: number, C: number, q: Rect) => {
    const o = new Uint8Array(q.width * q.height * C);
    for (let y = 0; y < q.height; y++) for (let i = 0; i < q.width * C; i++) o[y * q.width * C + i] = d[((q.y + y) * w + q.x) * C + i];
    return o;
  };
  const ds = downscale4({ width: R.width, height: R.height, channels: 3, data: crop(out8, W, 3, R) });
  const psnr = psnrY({ ...ds, channels: 3 }, { width: r.width, height: r.height, channels: 4, data: crop(input.data, input.width, 4, r) });
  return { diff, lens: t.lens, frame: [input.width, input.height], psnr };
}

/** Wheel-zooms the upscaled pane by `steps` notches about its centre. */
async function zoomIn(page: Page, steps: number): Promise<void> {
  const box = (await page.getByTestId('video-upscaled').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < steps; i++) await page.mouse.wheel(0, -240);
}

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`lens on ${backend}: its region equals the whole frame's output (onnxruntime-node), it follows zoom and pan`, async ({ page }) => {
    await openPlayer(page, `backend=${backend}`);
    await dropClip(page, 'lens96x80.mp4');
    await waitFrames(page, 1);
    await pause(page);
    await zoomIn(page, 4);
    await page.keyboard.press('l');
    await expect(page.getByTestId('stat-lens')).toContainText(/lens \d+×\d+: latency and PSNR are the lens's/);
    await expect.poll(() => lensOf(page)).not.toBeNull();
    await idle(page);
    const a = await lensVsWhole(page);
    console.log(`${backend} lens ${JSON.stringify(a.lens.region)} (crop ${JSON.stringify(a.lens.crop)}) of ${a.frame.join('x')}: max |lens - whole frame| = ${a.diff.toExponential(2)}`);
    expect(a.diff).toBeLessThan(1e-4);
    // the overlay's PSNR is the lens region's
    const shown = await psnrOfCurrent(page, 'consistency');
    console.log(`${backend} lens PSNR ${shown.model.toFixed(3)} dB, from the whole frame's output ${a.psnr.toFixed(3)} dB`);
    expect(Math.abs(shown.model - a.psnr)).toBeLessThan(0.05);
    expect(a.lens.region.width * a.lens.region.height).toBeLessThan(a.frame[0] * a.frame[1]); // zoomed: less than the frame
    // the crop lies inside the frame: the margin, not the frame's edge, is what makes the region exact
    const c = a.lens.crop;
    expect(c.x > 0 && c.y > 0 && c.x + c.width < a.frame[0] && c.y + c.height < a.frame[1]).toBe(true);
    // it is the visible part: inside the view's image rectangle
    const vp = await page.evaluate(() => (window as any).__sr.viewport());
    expect(vp.zoom).toBeGreaterThan(1.5);
    const cx = (a.lens.region.x + a.lens.region.width / 2) / a.frame[0], cy = (a.lens.region.y + a.lens.region.height / 2) / a.frame[1];
    expect(Math.abs(cx - vp.cx)).toBeLessThan(0.25);
    expect(Math.abs(cy - vp.cy)).toBeLessThan(0.25);

    // pan to the left: the lens moves with the view and is exact there too
    const box = (await page.getByTestId('video-upscaled').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await lensOf(page))?.region.x).toBeLessThan(a.lens.region.x);
    await idle(page);
    const b = await lensVsWhole(page);
    console.log(`${backend} lens after a pan: ${JSON.stringify(b.lens.region)}, max |lens - whole frame| = ${b.diff.toExponential(2)}`);
    expect(b.diff).toBeLessThan(1e-4);
    // off again: the whole frame
    await page.getByTestId('lens').click();
    await expect(page.getByTestId('stat-lens')).toHaveCount(0);
    await idle(page);
    expect(await lensOf(page)).toBeNull();
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
  });
}

test('falling behind, the lens comes on by itself, sized for the rate, and says so (WASM, C=64, 64x64 at 60 fps)', async ({ page }) => {
  await openPlayer(page, 'backend=wasm&model=sr4x-c64');
  await dropClip(page, 'fast64.mp4');
  await expect(page.getByTestId('notice')).toContainText('the lens is on', { timeout: 60_000 });
  const notice = await page.getByTestId('notice').textContent();
  console.log(`notice: ${notice}`);
  expect(notice).toMatch(/falling behind: \d+% of frames dropped.*the lens is on: the model runs only on a region at the centre of the view .*\d+x\d+ to start, resized to hold 60 fps \(the overlay shows its size\)/);
  await expect(page.getByTestId('stat-lens')).toContainText('on by itself');
  const from = (await state(page)).framesProcessed;
  await waitFrames(page, 3, from);
  const l = await lensOf(page);
  expect(l).not.toBeNull();
  expect(l!.region.width * l!.region.height).toBeLessThan(64 * 64);
});
