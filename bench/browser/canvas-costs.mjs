// `node bench/browser/canvas-costs.mjs`: what the CPU path's canvas work costs in this browser, the
// figures behind docs/PERFORMANCE.md's "night" notes. Prints numbers; asserts nothing.
//   1. a decoded 1024x1024 frame (I420, the demo's colour space) drawn into a CPU canvas: the
//      browser's YUV -> RGB, which the original pane needs on every frame; with the canvas resized
//      first; and the whole frame read back;
//   2. that canvas scaled into two 611x576 panes, GPU- against CPU-rastered, 'medium' against
//      'high', flushed (a 1-pixel read) so the deferred raster is in the time;
//   3. in the player (the demo, WASM, a 16-pixel lens, free-running): drawImage of the decoded
//      VideoFrames, timed by a wrapper, with everything else the page does going on.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowser } from '../lib/browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { base, browser, close } = await startBrowser(ROOT, { port: 5391 });
try {
  const page = await browser.newPage();
  await page.goto('about:blank');
  const r = await page.evaluate(async () => {
    const W = 1024, N = 20, out = {};
    const yuv = new Uint8Array((W * W * 3) / 2).map((_, i) => ((i * 7919) >> 3) & 255);
    const frame = (t) => new VideoFrame(yuv, { format: 'I420', codedWidth: W, codedHeight: W, timestamp: t, colorSpace: { matrix: 'bt470bg', fullRange: false } });
    const scratch = new OffscreenCanvas(W, W), g = scratch.getContext('2d', { willReadFrequently: true });
    const pane = (cpu) => {
      const c = document.createElement('canvas');
      c.width = 611;
      c.height = 576;
      document.body.appendChild(c);
      return c.getContext('2d', cpu ? { willReadFrequently: true } : {});
    };
    const gpuPanes = [pane(false), pane(false)], cpuPanes = [pane(true), pane(true)];
    const time = (k, fn) => {
      const t = performance.now();
      fn();
      out[k] = (out[k] ?? 0) + (performance.now() - t) / N;
    };
    const panes = (ps, q) => () => {
      for (const p of ps) {
        p.imageSmoothingEnabled = true;
        p.imageSmoothingQuality = q;
        p.drawImage(scratch, 0, 0, 611, 576);
      }
      for (const p of ps) p.getImageData(0, 0, 1, 1);
    };
    // each measurement in a loop of its own, so that one's deferred raster does not land in another's
    const frameDraw = (n) => () => {
      const f = frame(n);
      g.drawImage(f, 0, 0);
      g.getImageData(0, 0, 1, 1);
      f.close();
    };
    const runs = [
      ['1. frame -> CPU canvas (YUV -> RGB), ms', frameDraw],
      ['1. the same, the canvas resized first (what a resize every frame cost), ms', (n) => () => {
        scratch.width = W;
        frameDraw(n)();
      }],
      ['1. the whole frame read back (getImageData 1024x1024; a lens needs only its crop), ms', () => () => g.getImageData(0, 0, W, W)],
      ['2. two panes, GPU raster, medium, ms', () => panes(gpuPanes, 'medium')],
      ['2. two panes, GPU raster, high, ms', () => panes(gpuPanes, 'high')],
      ['2. two panes, CPU raster, medium, ms', () => panes(cpuPanes, 'medium')],
    ];
    // twice, the first a warm-up (canvases allocated, shaders and caches made)
    for (const pass of [0, 1]) {
      for (const [k, make] of runs) {
        if (pass === 1) out[k] = 0;
        for (let n = 0; n < N; n++) {
          time(k, make(n));
          await new Promise((res) => requestAnimationFrame(res));
        }
      }
    }
    for (const k of Object.keys(out)) out[k] = +out[k].toFixed(2);
    return out;
  });
  for (const [k, v] of Object.entries(r)) console.log(`${k}: ${v}`);

  // 3. in the player
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(() => {
    const P = OffscreenCanvasRenderingContext2D.prototype, draw = P.drawImage, st = (window.__frameDraws = { n: 0, ms: 0 });
    P.drawImage = function (img, ...a) {
      if (!(img instanceof VideoFrame)) return draw.call(this, img, ...a);
      const t = performance.now();
      try {
        return draw.call(this, img, ...a);
      } finally {
        st.ms += performance.now() - t;
        st.n++;
      }
    };
  });
  const p = await ctx.newPage();
  await p.goto(`${base}/?demo=0&backend=wasm`);
  await p.waitForFunction(() => window.__sr?.state().modelReady, null, { timeout: 180_000 });
  await p.getByTestId('file-input').setInputFiles(path.join(ROOT, 'public/demo.mp4'));
  await p.waitForFunction(() => window.__sr.state().framesProcessed >= 1, null, { timeout: 300_000, polling: 200 });
  await p.evaluate(() => {
    const l = window.__sr.engine.lens;
    l.on = true;
    l.maxSide = 16;
    window.__sr.setRealtime(false);
  });
  await new Promise((res) => setTimeout(res, 3000));
  await p.evaluate(() => Object.assign(window.__frameDraws, { n: 0, ms: 0 }));
  await new Promise((res) => setTimeout(res, 5000));
  const d = await p.evaluate(() => window.__frameDraws);
  console.log(`3. in the player (demo, 16-px lens): drawImage of a decoded VideoFrame, ms: ${(d.ms / d.n).toFixed(2)} (${d.n} frames)`);
  console.log(`Chromium ${browser.version()}, ${new Date().toISOString()}`);
} finally {
  await close();
}
