// `node bench/browser/yuv-costs.mjs`: what the CPU path's own Y'CbCr conversion (src/engine/pipeline/yuv)
// costs in this browser, the figures behind docs/PERFORMANCE.md's 2026-12-01 notes. Prints
// numbers; asserts nothing. On a synthetic 1024x1024 I420 frame (the demo's size and colour space),
// each figure the mean of 20 runs after a warm-up run:
//   1. the raw planes copied out of a VideoFrame (what the ingest does instead of drawImage);
//   2. the kernel at a pane's size (518x518 and 611x576: the demo in a 1280x720 and a 1366x768
//      window), and 1:1 on a lens's 50x50 crop and on the whole frame (the whole-frame model's input);
//   3. putting a pane's picture into a CPU-rastered canvas, flushed by a 1-pixel read.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowser } from '../lib/browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { base, browser, close } = await startBrowser(ROOT, { port: 5396 });
try {
  const page = await browser.newPage();
  // the player's page, for its modules (served by Vite); no file is opened
  await page.goto(`${base}/?demo=0&backend=wasm`);
  const r = await page.evaluate(async () => {
    const { convertible, readPlanes, YuvKernel } = await import('/src/engine/pipeline/yuv/index.ts');
    const W = 1024, N = 20, out = {};
    const yuv = new Uint8Array((W * W * 3) / 2).map((_, i) => ((i * 7919) >> 3) & 255);
    const frame = new VideoFrame(yuv, { format: 'I420', codedWidth: W, codedHeight: W, timestamp: 0, colorSpace: { matrix: 'bt470bg', fullRange: false } });
    const time = async (k, fn) => {
      await fn();
      const t = performance.now();
      for (let i = 0; i < N; i++) await fn();
      out[k] = +((performance.now() - t) / N).toFixed(2);
    };
    const matrix = convertible(frame), buffer = new Uint8Array(frame.allocationSize());
    let raw = null;
    await time('1. copyTo: the raw planes into a kept array, ms', async () => { raw = await readPlanes(frame, matrix, buffer); });
    const img = new YuvKernel().load(raw);
    for (const [w, h] of [[518, 518], [611, 576]]) {
      const into = new Uint8ClampedArray(w * h * 4);
      await time(`2. the kernel at ${w}x${h} (a pane), ms`, () => img.scaled(0, 0, W, W, w, h, into));
    }
    await time('2. the kernel 1:1 on a 50x50 crop (lens 16), ms', () => img.region({ x: 500, y: 500, width: 50, height: 50 }));
    await time('2. the kernel 1:1 on the whole 1024x1024 frame, ms', () => img.region({ x: 0, y: 0, width: W, height: W }));
    const c = document.createElement('canvas');
    c.width = 611;
    c.height = 576;
    document.body.appendChild(c);
    const g = c.getContext('2d', { willReadFrequently: true }), pic = new ImageData(img.scaled(0, 0, W, W, 576, 576), 576, 576);
    await time('3. putImageData of a 576x576 picture into a CPU canvas, ms', () => {
      g.putImageData(pic, 17, 0);
      g.getImageData(0, 0, 1, 1);
    });
    frame.close();
    return out;
  });
  console.log(`Chromium ${browser.version()}, ${new Date().toISOString()}`);
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(64)} ${v}`);
} finally {
  await close();
}
