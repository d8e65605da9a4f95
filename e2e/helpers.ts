// Shared e2e helpers: driving the page through its data-testids and reading pixels through the
// engine's debug hook (window.__sr: read-backs run only when a test asks).
import { expect, type Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import fs from 'node:fs';
import path from 'node:path';
import { toNchw } from '../src/engine/metrics/filters';

export const FIXTURES = path.resolve('e2e/fixtures/generated');
export const clip = (name: string) => path.join(FIXTURES, name);

export interface Rgba {
  width: number;
  height: number;
  frameIndex: number;
  data: Uint8Array;
}

/** The player with no demo clip, once its model is ready. On WebGPU unless `query` names a backend:
 *  CI's adapter is a software one, on which the player's own choice would be WASM (e2e/default.spec.ts
 *  checks that default). With the manifest's default model unless `query` names one: left to pick,
 *  the player would run the cheapest model with the lens on at once on this slow adapter
 *  (e2e/ladder.spec.ts checks that), and these tests compare the whole frame with a named model.
 *  On WebGPU with the WGSL engine unless `query` names one (E2E_ENGINE=ort|auto runs them all on
 *  another): it is what `?engine=auto` picks on this adapter, and auto's first frame compiles and
 *  times both engines, about 5 s of every test. Auto is checked in e2e/engine-auto.spec.ts and
 *  origin.spec.ts, onnxruntime-web's pixels for every model in models.spec.ts. */
export async function openPlayer(page: Page, query = ''): Promise<void> {
  page.on('pageerror', (e) => console.log('[pageerror]', e.message));
  const model = /(^|&)model=/.test(query) ? '' : `model=${JSON.parse(fs.readFileSync('models/manifest.json', 'utf8')).default}`;
  const engine = /(^|&)(engine=|backend=wasm)/.test(query) ? '' : `engine=${process.env.E2E_ENGINE ?? 'wgsl'}`;
  const q = [query, /(^|&)backend=/.test(query) ? '' : 'backend=webgpu', model, engine].filter(Boolean).join('&');
  await page.goto(`/?demo=0&${q}`);
  await expect.poll(() => page.evaluate(() => (window as any).__sr?.state().modelReady), { timeout: 90_000 }).toBe(true);
}

export async function dropClip(page: Page, name: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(clip(name));
}

export const state = (page: Page) => page.evaluate(() => (window as any).__sr.state());

/** Waits until at least `n` frames have been processed since `from`. */
export async function waitFrames(page: Page, n: number, from = 0): Promise<void> {
  await expect.poll(async () => (await state(page)).framesProcessed - from, { timeout: 120_000 }).toBeGreaterThanOrEqual(n);
}

/** Pauses playback and waits until nothing is in flight. */
/** The resource counters, with nothing in flight. */
export const counters = (page: Page) =>
  page.evaluate(async () => {
    const sr = (window as any).__sr;
    await sr.idle();
    return sr.counters();
  });

export async function pause(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const sr = (window as any).__sr;
    sr.pause();
    await sr.idle();
  });
}

/** Waits for the PSNR of the frame on screen in the given mode (it arrives asynchronously). */
export async function psnrOfCurrent(page: Page, mode: string): Promise<{ model: number; bicubic: number; frameIndex: number }> {
  await expect
    .poll(async () => {
      const s = await state(page);
      return s.psnr && s.psnr.frameIndex === s.frameIndex && s.psnr.mode === mode;
    })
    .toBe(true);
  return (await state(page)).psnr;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** Read-backs through the debug hook; `page` is anything with Playwright's evaluate (e2e/engines
 *  hands its Firefox and WebKit pages in this way). */
export async function readTexture(page: Pick<Page, 'evaluate'>, which: 'frame' | 'input' | 'output' | 'view' | 'left'): Promise<Rgba> {
  const r = await page.evaluate(async (w) => {
    const t = await (window as any).__sr.readTexture(w);
    let s = '';
    for (let i = 0; i < t.rgba.length; i += 0x8000) s += String.fromCharCode(...t.rgba.subarray(i, i + 0x8000));
    return { width: t.width, height: t.height, frameIndex: t.frameIndex, b64: btoa(s) };
  }, which);
  return { width: r.width, height: r.height, frameIndex: r.frameIndex, data: b64(r.b64) };
}

export async function readTensor(page: Pick<Page, 'evaluate'>, which: 'full' | 'low' | 'left'): Promise<{ width: number; height: number; data: Float32Array }> {
  const r = await page.evaluate(async (w) => {
    const t = await (window as any).__sr.readTensor(w);
    const u8 = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    let s = '';
    for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
    return { width: t.width, height: t.height, b64: btoa(s) };
  }, which);
  const bytes = b64(r.b64);
  return { width: r.width, height: r.height, data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
}

/** The FP32 model (and its low-frequency part) from models/manifest.json, on onnxruntime-node's CPU EP. */
const sessions = new Map<string, ort.InferenceSession>();
export async function runModelOutside(which: 'full' | 'low', input: Float32Array, w: number, h: number, modelId?: string): Promise<Float32Array> {
  const manifest = JSON.parse(fs.readFileSync('models/manifest.json', 'utf8'));
  const id = modelId ?? manifest.default;
  const m = manifest.models.find((x: any) => x.id === id);
  if (!m) throw new Error(`runModelOutside: no model ${id} in models/manifest.json`);
  const file = path.join('models', which === 'full' ? m.fp32 : m.low.fp32);
  let s = sessions.get(file);
  if (!s) {
    s = await ort.InferenceSession.create(file);
    sessions.set(file, s);
  }
  const out = await s.run({ input: new ort.Tensor('float32', input, [1, 3, h, w]) });
  return out.output.data as Float32Array;
}

/** Variance of what is actually on screen in a canvas: a Playwright screenshot of the element
 *  (the composited pixels), decoded by the browser. A blank or flat canvas gives ~0. */
export async function canvasVariance(page: Page, testid: string): Promise<number> {
  const png = await page.getByTestId(testid).screenshot();
  return page.evaluate(pngVariance, png.toString('base64'));
}

/** In the page: the variance of a PNG's pixel sums (every 7th pixel), the PNG decoded by the browser
 *  (e2e/engines drives other browsers with it). */
export async function pngVariance(b64: string): Promise<number> {
  const img = new Image();
  img.src = `data:image/png;base64,${b64}`;
  await img.decode();
  const o = document.createElement('canvas');
  o.width = img.width;
  o.height = img.height;
  const g = o.getContext('2d')!;
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, o.width, o.height).data;
  let s = 0, s2 = 0, n = 0;
  for (let i = 0; i < d.length; i += 4 * 7) {
    const v = d[i] + d[i + 1] + d[i + 2];
    s += v;
    s2 += v * v;
    n++;
  }
  return s2 / n - (s / n) ** 2;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Max |the page's model output - onnxruntime-node's| on the exact input the page used (its input
 *  texture read back), for the manifest default or `modelId`; also checks the 4x output size. */
export async function outputDiff(page: Page, which: 'full' | 'low' = 'full', modelId?: string): Promise<number> {
  const input = await readTexture(page, 'input');
  const tensor = await readTensor(page, which);
  expect([tensor.width, tensor.height]).toEqual([4 * input.width, 4 * input.height]);
  return maxAbsDiff(tensor.data, await runModelOutside(which, toNchw({ ...input, channels: 4 }), input.width, input.height, modelId));
}
