// The CPU path converts decoded frames itself (src/engine/pipeline/yuv): it must give the model and
// the panes what the WebGPU path gets. For each colour space it takes, its pixels are checked against
// the browser's own conversion of the same VideoFrame as the WebGPU path uploads it
// (copyExternalImageToTexture, read back); for the ones it leaves to the browser, that it does. So
// must the WebGPU path's own conversion of a frame's planes (passes/upload/planes.wgsl), which it
// uses where copyExternalImageToTexture does not take a VideoFrame (Firefox).
import { expect, test, type Page } from '@playwright/test';
import { openPlayer } from './helpers';

const W = 64, H = 48;

type Content = 'smooth' | 'checker' | 'blocks';

/** I420 or NV12 planes of a smooth picture (gradients and waves; mostly inside the RGB gamut), of a
 *  grey one-pixel checkerboard (what a minified view aliases unless it averages), or of blocks of
 *  strong colour, 6 pixels a side (sharp chroma edges: how the chroma is interpolated shows there). */
function planes(format: 'I420' | 'NV12', content: Content = 'smooth'): number[] {
  const cw = W / 2, ch = H / 2, out = new Array<number>(W * H + 2 * cw * ch);
  const block = (x: number, y: number) => Math.floor(x / 6) * 7 + Math.floor(y / 6) * 3;
  const chroma = [16, 240, 60, 200, 128, 90];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    out[y * W + x] = content === 'checker' ? ((x + y) & 1 ? 235 : 16) : content === 'blocks' ? 40 + ((block(x, y) * 37) % 160) : Math.round(30 + (180 * x) / W + 15 * Math.sin(y / 3));
  }
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) {
    const b = block(2 * x, 2 * y);
    const u = content === 'checker' ? 128 : content === 'blocks' ? chroma[b % 6] : Math.round(128 + 35 * Math.cos(x / 4 + y / 7));
    const v = content === 'checker' ? 128 : content === 'blocks' ? chroma[(b + 2) % 6] : Math.round(128 + 35 * Math.sin(y / 5 - x / 9));
    if (format === 'I420') {
      out[W * H + y * cw + x] = u;
      out[W * H + cw * ch + y * cw + x] = v;
    } else {
      out[W * H + 2 * (y * cw + x)] = u;
      out[W * H + 2 * (y * cw + x) + 1] = v;
    }
  }
  return out;
}

interface Result { browser: number[]; planes: number[]; ours: number[] | null; paneOurs: number[] | null; paneBrowser: number[] | null }

async function convert(page: Page, format: 'I420' | 'NV12', colorSpace: VideoColorSpaceInit, pane: { width: number; height: number }, content: Content = 'smooth'): Promise<Result> {
  return page.evaluate(async (c) => {
    const r = await (window as any).__sr.yuvSelfTest({ ...c, planes: new Uint8Array(c.planes) });
    const arr = (a: Uint8ClampedArray | Uint8Array | null) => (a ? Array.from(a) : null);
    return { browser: arr(r.browser)!, planes: arr(r.planes)!, ours: arr(r.ours), paneOurs: arr(r.paneOurs), paneBrowser: arr(r.paneBrowser) };
  }, { format, width: W, height: H, planes: planes(format, content), colorSpace, pane });
}

/** The frame's RGBA averaged over each pane pixel's footprint (frame pixels whose centres fall in it):
 *  what a minified view should show, aliasing aside. */
function boxAverage(rgba: number[], pw: number, ph: number): number[] {
  const out = new Array<number>(pw * ph * 4).fill(255);
  for (let j = 0; j < ph; j++) for (let i = 0; i < pw; i++) {
    const x0 = Math.ceil((i * W) / pw - 0.5), x1 = Math.ceil(((i + 1) * W) / pw - 0.5), y0 = Math.ceil((j * H) / ph - 0.5), y1 = Math.ceil(((j + 1) * H) / ph - 0.5);
    for (let k = 0; k < 3; k++) {
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += rgba[(y * W + x) * 4 + k];
      out[(j * pw + i) * 4 + k] = sum / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

/** Largest and mean |a - b| over the RGB of every pixel (alpha must be opaque in both). */
function diff(a: number[], b: number[]) {
  let max = 0, sum = 0, n = 0;
  // one expect for the whole picture: one a pixel cost ~0.5 ms, seconds a test
  expect(a.length).toBe(b.length);
  expect(a.filter((_, i) => i % 4 === 3 && (a[i] !== 255 || b[i] !== 255)), 'alpha not opaque').toEqual([]);
  for (let i = 0; i < a.length; i += 4) {
    for (let k = 0; k < 3; k++) {
      const d = Math.abs(a[i + k] - b[i + k]);
      max = Math.max(max, d);
      sum += d;
      n++;
    }
  }
  return { max, mean: sum / n };
}

const OURS: [string, 'I420' | 'NV12', VideoColorSpaceInit][] = [
  ['unspecified (the browser takes BT.601 limited)', 'I420', {}],
  ['BT.601 (bt470bg) limited, as the demo clip', 'I420', { matrix: 'bt470bg', fullRange: false }],
  ['BT.601 (smpte170m) limited, SMPTE 170M transfer', 'I420', { matrix: 'smpte170m', transfer: 'smpte170m', fullRange: false }],
  ['BT.601 with BT.709 primaries and transfer (how the browser reports the demo clip)', 'I420', { matrix: 'bt470bg', primaries: 'bt709', transfer: 'bt709', fullRange: false }],
  ['BT.601 full range', 'I420', { matrix: 'bt470bg', fullRange: true }],
  ['BT.709 full range', 'I420', { matrix: 'bt709', primaries: 'bt709', transfer: 'bt709', fullRange: true }],
  ['BT.709 limited range (most HD video)', 'I420', { matrix: 'bt709', primaries: 'bt709', transfer: 'bt709', fullRange: false }],
  ['NV12 (hardware decoders), BT.601 limited', 'NV12', { matrix: 'bt470bg', fullRange: false }],
];

test.describe('the CPU path\'s Y\'CbCr conversion', () => {
  // one page for every case: each case is the self-test's own conversion of its planes, nothing the
  // page keeps between cases (a fresh page each cost a player's start-up, ~4 s, nine times)
  test.describe.configure({ mode: 'serial' });
  let page: Page;
  test.beforeAll(async ({ browser, baseURL }) => {
    page = await browser.newPage({ baseURL, serviceWorkers: 'block' });
    await openPlayer(page, 'backend=wasm');
  });
  test.afterAll(() => page.close());

  for (const [name, format, cs] of OURS) {
    test(`${name}: 1:1 within 2 levels of the browser's (the WebGPU path's own upload within 1); a pane's picture within 4 of the browser's scaling, and 2x smaller or more, the frame averaged`, async () => {
      // minified 1.7x: both are bilinear
      const r = await convert(page, format, cs, { width: 38, height: 29 });
      expect(r.ours, 'converted by the player').not.toBeNull();
      const d = diff(r.ours!, r.browser), p = diff(r.paneOurs!, r.paneBrowser!), g = diff(r.planes, r.browser);
      console.log(`${name}: 1:1 max ${d.max} mean ${d.mean.toFixed(2)}; pane 38x29 against the browser's max ${p.max} mean ${p.mean.toFixed(2)}`);
      expect(d.max).toBeLessThanOrEqual(2);
      // the WebGPU path's own upload (where the browser's does not take a VideoFrame: Firefox)
      console.log(`${name}: WebGPU planes upload max ${g.max} mean ${g.mean.toFixed(3)}`);
      expect(g.max).toBeLessThanOrEqual(1);
      // the browser scales RGB (clamped), the player Y'CbCr: a few levels apart where a pixel clamps
      expect(p.max).toBeLessThanOrEqual(4);
      expect(p.mean).toBeLessThan(1);
      // minified 3.2x: the player halves the frame first, then bilinear. Its picture must be the
      // frame's (near the average over each pixel's footprint: a shifted or stretched picture is
      // several levels off on the gradient), and must not alias: a one-pixel checkerboard is grey
      const smooth = await convert(page, format, cs, { width: 20, height: 15 });
      const near = diff(smooth.paneOurs!, boxAverage(smooth.browser, 20, 15));
      const checker = await convert(page, format, cs, { width: 20, height: 15 }, 'checker');
      const mean = [0, 1, 2].map((k) => checker.browser.filter((_, i) => i % 4 === k).reduce((x, y) => x + y) / (W * H));
      const grey = diff(checker.paneOurs!, checker.paneOurs!.map((_, i) => (i % 4 === 3 ? 255 : mean[i % 4])));
      console.log(`${name}: pane 20x15 from the footprint's average: max ${near.max.toFixed(1)} mean ${near.mean.toFixed(2)}; checkerboard: max ${grey.max.toFixed(1)} from its mean`);
      expect(near.mean).toBeLessThan(2);
      expect(grey.max).toBeLessThan(3);
      // sharp chroma edges: each chroma sample sits at the centre of its 2x2 pixels and the browser
      // interpolates between them (repeating it instead put edge pixels up to 164 levels off). The
      // pane is only printed: at 1.7x smaller the two scalings part most at such edges
      const blocks = await convert(page, format, cs, { width: 38, height: 29 }, 'blocks');
      const e = diff(blocks.ours!, blocks.browser), ep = diff(blocks.paneOurs!, blocks.paneBrowser!), eg = diff(blocks.planes, blocks.browser);
      console.log(`${name}: colour blocks 1:1 max ${e.max} mean ${e.mean.toFixed(2)}; pane 38x29 max ${ep.max} mean ${ep.mean.toFixed(2)}; WebGPU planes upload max ${eg.max}`);
      expect(e.max).toBeLessThanOrEqual(2);
      expect(eg.max).toBeLessThanOrEqual(1);
    });
  }

  test('colour spaces the browser colour-manages are left to it', async () => {
    for (const cs of [
      { matrix: 'bt470bg', primaries: 'bt470bg', transfer: 'smpte170m', fullRange: false },
      { matrix: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', fullRange: false },
      { matrix: 'bt709', primaries: 'bt709', transfer: 'linear', fullRange: false },
      { matrix: 'rgb', fullRange: true },
    ] as VideoColorSpaceInit[]) {
      const r = await convert(page, 'I420', cs, { width: 38, height: 29 });
      expect(r.ours, JSON.stringify(cs)).toBeNull();
    }
  });
});
