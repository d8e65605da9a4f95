// `node bench/browser/present-costs.mjs`: where the CPU path's present spends its time in the player,
// the figures behind docs/PERFORMANCE.md's 2026-12-01 morning notes. Prints numbers;
// asserts nothing. The demo clip on WASM with a 16-pixel lens, free-running; over 10 s, per frame
// processed: the time and count of each canvas call, of the Y'CbCr kernel and of present() itself,
// and the processor's own pass totals (ingest, present, PSNR), wrapped around the page's prototypes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowser } from '../lib/browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { base, browser, close } = await startBrowser(ROOT, { port: 5397 });
try {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(`${base}/?demo=0&backend=wasm`);
  await p.waitForFunction(() => window.__sr?.state().modelReady, null, { timeout: 180_000 });
  await p.evaluate(async () => {
    const T = (window.__T = {});
    const wrap = (proto, name, label) => {
      const f = proto[name];
      proto[name] = function (...a) {
        const t = performance.now();
        try { return f.apply(this, a); } finally { const d = performance.now() - t; const k = label + (this instanceof OffscreenCanvasRenderingContext2D ? '(off)' : ''); (T[k] ??= [0, 0]); T[k][0] += d; T[k][1]++; }
      };
    };
    for (const P of [CanvasRenderingContext2D.prototype, OffscreenCanvasRenderingContext2D.prototype])
      for (const n of ['putImageData', 'fillRect', 'drawImage', 'strokeRect', 'getImageData']) wrap(P, n, n);
    const y = await import('/src/engine/pipeline/yuv/index.ts');
    wrap(y.YuvKernel.prototype, 'resample', 'kernel');
    const cpu = await import('/src/engine/pipeline/cpu.ts');
    wrap(cpu.CpuFrameProcessor.prototype, 'present', 'present');
  });
  await p.getByTestId('file-input').setInputFiles(ROOT + '/public/demo.mp4');
  await p.waitForFunction(() => window.__sr.state().framesProcessed >= 1, null, { timeout: 300_000, polling: 200 });
  await p.evaluate((side) => { const l = window.__sr.engine.lens; l.on = true; l.maxSide = side; }, 16);
  await p.waitForFunction((side) => window.__sr.lens()?.region.width === side, 16, { timeout: 300_000, polling: 200 });
  await p.evaluate(() => window.__sr.setRealtime(false));
  await p.waitForTimeout(3000);
  await p.evaluate(() => { for (const k in window.__T) window.__T[k] = [0, 0]; window.__f0 = window.__sr.state().framesProcessed; window.__c0 = { ...window.__sr.engine.processor.cost }; });
  await p.waitForTimeout(10000);
  const r = await p.evaluate(() => { const n = window.__sr.state().framesProcessed - window.__f0; const c = window.__sr.engine.processor.cost, c0 = window.__c0; const cf = c.frames - c0.frames;
    return { n, per: Object.fromEntries(Object.entries(window.__T).map(([k, [t, m]]) => [k, [+(t / n).toFixed(3), +(m / n).toFixed(2)]])), cost: Object.fromEntries(['passesMs','ingestMs','presentMs','psnrMs'].map(k => [k, +((c[k]-c0[k])/cf).toFixed(3)])), 
      canvases: [...document.querySelectorAll('canvas')].map(c => `${c.width}x${c.height}`) }; });
  console.log(`Chromium ${browser.version()}, ${new Date().toISOString()}, ${r.n} frames; canvases ${r.canvases.join(', ')}`);
  for (const [k, [ms, calls]] of Object.entries(r.per)) console.log(`${k.padEnd(24)} ${String(ms).padStart(7)} ms a frame (${calls} calls)`);
  console.log(`own passes a frame (ms): ${JSON.stringify(r.cost)}`);
} finally { await close(); }
