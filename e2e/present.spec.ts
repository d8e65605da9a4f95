// The present pass on the real GPU path: the player's PresentPass on the engine's device (through
// the window.__sr.presentSelfTest hook) draws a known texture into a test canvas, read back.
// Minified, each canvas pixel must be the average of the texels it covers (no aliasing); magnified
// or 1:1, exactly what a single nearest / bilinear tap gives (the behaviour before the box filter).
import { expect, test, type Page } from '@playwright/test';
import { rng } from '../src/engine/metrics/sample.mjs';
import { openPlayer } from './helpers';

type Filter = 'nearest' | 'linear';
interface Draw {
  rgba: Uint8Array;
  tw: number;
  th: number;
  cw: number;
  ch: number;
  filter: Filter;
  zoom?: number;
}

/** Draws the texture through a new PresentPass into a cw x ch canvas; returns the canvas's RGBA. */
async function present(page: Page, d: Draw): Promise<Uint8Array> {
  const out = await page.evaluate(
    async ({ rgba, tw, th, cw, ch, filter, zoom }) =>
      Array.from(await (window as any).__sr.presentSelfTest(new Uint8Array(rgba), tw, th, cw, ch, filter, zoom) as Uint8ClampedArray),
    { ...d, rgba: Array.from(d.rgba), zoom: d.zoom ?? 1 },
  );
  return new Uint8Array(out);
}

const image = (w: number, h: number, f: (x: number, y: number, c: number) => number) => {
  const a = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) a[(y * w + x) * 4 + c] = c === 3 ? 255 : f(x, y, c);
  return a;
};
const checker = (n: number) => image(n, n, (x, y) => ((x + y) & 1) * 255);
const rnd = rng(7);
const noise = (n: number) => image(n, n, () => Math.floor(rnd() * 256));

/** Largest |canvas - expected(x, y, c)| over the RGB of every pixel. */
function maxErr(px: Uint8Array, w: number, h: number, expected: (x: number, y: number, c: number) => number): number {
  let m = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) m = Math.max(m, Math.abs(px[(y * w + x) * 4 + c] - expected(x, y, c)));
      expect(px[(y * w + x) * 4 + 3]).toBe(255);
    }
  return m;
}

test.beforeEach(async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
});

for (const filter of ['nearest', 'linear'] as const) {
  test(`${filter}: minified exactly 4x, each pixel is the mean of its 4x4 texels`, async ({ page }) => {
    // 1-texel checkerboard, 64² -> 16²: the box average is 127.5 everywhere; one tap per pixel
    // would give 0 / 255 (nearest) and, off texel corners, anything in between (bilinear)
    const chk = await present(page, { rgba: checker(64), tw: 64, th: 64, cw: 16, ch: 16, filter });
    const e1 = maxErr(chk, 16, 16, () => 127.5);
    // random texels: the mean of each 4x4 block, computed here
    const tex = noise(64);
    const px = await present(page, { rgba: tex, tw: 64, th: 64, cw: 16, ch: 16, filter });
    const mean = (x: number, y: number, c: number) => {
      let s = 0;
      for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) s += tex[((4 * y + j) * 64 + 4 * x + i) * 4 + c];
      return s / 16;
    };
    const e2 = maxErr(px, 16, 16, mean);
    // what one tap at the pixel centre (a texel corner) gave before: texel (4x+2, 4y+2) for nearest,
    // the mean of the middle 2x2 for bilinear; far from the canvas, so the test tells them apart
    const t = (x: number, y: number, c: number) => tex[(y * 64 + x) * 4 + c];
    const centre = (x: number, y: number, c: number) =>
      filter === 'nearest'
        ? t(4 * x + 2, 4 * y + 2, c)
        : (t(4 * x + 1, 4 * y + 1, c) + t(4 * x + 2, 4 * y + 1, c) + t(4 * x + 1, 4 * y + 2, c) + t(4 * x + 2, 4 * y + 2, c)) / 4;
    let single = 0;
    for (let i = 0; i < 16 * 16 * 4; i++) if (i % 4 !== 3) single = Math.max(single, Math.abs(px[i] - centre((i >> 2) % 16, (i >> 2) >> 4, i % 4)));
    console.log(`${filter} 4x: checkerboard max |err| ${e1}, noise box-mean max |err| ${e2}, vs single centre tap up to ${single}`);
    expect(e1).toBeLessThanOrEqual(1);
    expect(e2).toBeLessThanOrEqual(1);
    expect(single).toBeGreaterThan(50);
  });

  test(`${filter}: minified 3.2x (64² -> 20²), the checkerboard stays grey`, async ({ page }) => {
    const px = await present(page, { rgba: checker(64), tw: 64, th: 64, cw: 20, ch: 20, filter });
    // a box of width f over a 1-texel checkerboard leaves at most one texel uncancelled per axis:
    // |mean - 0.5| <= 0.5 / f², i.e. 12.5 of 255 at f = 3.2 (one tap: up to 127.5)
    const err = maxErr(px, 20, 20, () => 127.5);
    console.log(`${filter} 3.2x: checkerboard max |err| ${err} (bound 12.5 + 1)`);
    expect(err).toBeLessThanOrEqual((255 * 0.5) / 3.2 ** 2 + 1);
  });

  test(`${filter}: 1:1 and magnified, unchanged (${filter === 'nearest' ? 'exact texels' : 'bilinear'})`, async ({ page }) => {
    const tex = noise(16);
    const at = (x: number, y: number, c: number) => tex[(Math.min(15, Math.max(0, y)) * 16 + Math.min(15, Math.max(0, x))) * 4 + c];
    // 1:1: every pixel is its texel, for both filters
    const same = await present(page, { rgba: tex, tw: 16, th: 16, cw: 16, ch: 16, filter });
    expect(maxErr(same, 16, 16, at)).toBe(0);
    // 16² -> 64² (4x, zoom 1), and zoom 2 in a 16² canvas (the middle 8² texels, 2x)
    for (const [cw, zoom] of [[64, 1], [16, 2]] as const) {
      const px = await present(page, { rgba: tex, tw: 16, th: 16, cw, ch: cw, filter, zoom });
      const k = 16 / cw / zoom, o = 8 - 8 / zoom; // texels per pixel; first visible texel
      const expected = (x: number, y: number, c: number) => {
        const u = o + (x + 0.5) * k, v = o + (y + 0.5) * k;
        if (filter === 'nearest') return at(Math.floor(u), Math.floor(v), c);
        const i = Math.floor(u - 0.5), j = Math.floor(v - 0.5), fx = u - 0.5 - i, fy = v - 0.5 - j;
        return (at(i, j, c) * (1 - fx) + at(i + 1, j, c) * fx) * (1 - fy) + (at(i, j + 1, c) * (1 - fx) + at(i + 1, j + 1, c) * fx) * fy;
      };
      const err = maxErr(px, cw, cw, expected);
      console.log(`${filter} magnified ${cw}² zoom ${zoom}: max |err| ${err}`);
      expect(err).toBeLessThanOrEqual(filter === 'nearest' ? 0 : 2);
    }
  });
}

// The CPU path (WASM) draws its panes with the browser's canvas scaling: minified, both the original
// and the bicubic preview must average what each canvas pixel covers too (a one-pixel checkerboard
// drawn with single nearest taps flickers between black and white). The image is a PNG, so no codec
// blurs the checkerboard first.
test('CPU path: minified ~2.3x, the original and the bicubic preview of a checkerboard stay grey', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 700 });
  const N = 1000;
  const png = await page.evaluate(async (n) => {
    const c = new OffscreenCanvas(n, n), g = c.getContext('2d')!, im = g.createImageData(n, n);
    for (let i = 0; i < n * n; i++) {
      const v = (((i % n) + Math.floor(i / n)) & 1) * 255;
      im.data.set([v, v, v, 255], i * 4);
    }
    g.putImageData(im, 0, 0);
    return Array.from(new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer()));
  }, N);
  await page.getByTestId('file-input').setInputFiles({ name: 'checker1000.png', mimeType: 'image/png', buffer: Buffer.from(png) });
  // the original and the bicubic preview, before the model's frame (seconds at 1000x1000 on WASM)
  await expect(page.getByTestId('preview-note')).toBeVisible({ timeout: 30_000 });
  for (const pane of ['video-original', 'video-upscaled']) {
    const r = await page.evaluate((id) => {
      const c = document.querySelector(`[data-testid=${id}]`) as HTMLCanvasElement;
      // the image's middle half: square, centred, as tall as the pane
      const s = Math.min(c.width, c.height), x0 = Math.round(c.width / 2 - s / 4), y0 = Math.round(c.height / 2 - s / 4);
      const d = c.getContext('2d')!.getImageData(x0, y0, Math.round(s / 2), Math.round(s / 2)).data;
      let m = 0;
      for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) m = Math.max(m, Math.abs(d[i + k] - 127.5));
      return { m, side: s };
    }, pane);
    const f = N / r.side;
    console.log(`${pane}: ${N}² in ${r.side}² (${f.toFixed(2)}x minified), checkerboard max |err| ${r.m}`);
    expect(f).toBeGreaterThan(2);
    // a box of width f: at most 0.5 / f² of 255 off grey; single taps: 127.5
    expect(r.m).toBeLessThanOrEqual((255 * 0.5) / f ** 2 + 1);
  }
});
