// Export: the upscaled video written to a file with its sound, read back from outside
// the browser with ffprobe/ffmpeg (and a damaged file, which stops it as it stops the player): 4x the size, every frame at the source's timestamps, the sound
// in the source's codec, and pixels that match the model run outside (onnxruntime-node) on the
// very frames the browser decoded, up to the codec's loss. Downloads (?save=download): the file
// picker cannot be driven headless.
import { expect, test, type Download, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bicubicUp4, nchwTo8bit, psnrY, toNchw } from '../src/engine/metrics/filters';
import { clip, counters, dropClip, openPlayer, pause, readTexture, runModelOutside, state, waitFrames, type Rgba } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sr4x-export-'));

/** The manifest's models by their recorded quality (mean Set5/Set14 PSNR-Y, as training writes it),
 *  best first: the export's default is the first, whichever the player runs. */
const manifest = JSON.parse(fs.readFileSync('models/manifest.json', 'utf8')) as { default: string; models: Array<{ id: string; flops_per_frame_1024?: number; metrics?: Record<string, { model_y?: number }> }> };
const byScore = manifest.models
  .filter((m) => typeof m.metrics?.Set5?.model_y === 'number' && typeof m.metrics?.Set14?.model_y === 'number')
  .map((m) => ({ m, score: (m.metrics!.Set5.model_y! + m.metrics!.Set14.model_y!) / 2 }))
  .sort((a, b) => b.score - a.score);
const BEST = byScore[0].m.id;

interface Probe {
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; duration?: string; sample_rate?: string }>;
}
const probe = (f: string): Probe => JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', f], { encoding: 'utf8' }));
/** Presentation times (s) of the video frames, in order. */
const frameTimes = (f: string): number[] =>
  execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', f], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(',')[0])
    .filter((x) => x !== '')
    .map(Number)
    .sort((a, b) => a - b);
const audioDuration = (f: string): number => {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', f], { encoding: 'utf8' }).trim().split('\n');
  const last = out[out.length - 1].split(',').map(Number), first = Number(out[0].split(',')[0]);
  return last[0] + last[1] - first;
};
/** The video's frames as RGB bytes, decoded by ffmpeg. */
function decodeRgb(f: string, w: number, h: number): Uint8Array[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', f, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const n = w * h * 3, frames: Uint8Array[] = [];
  for (let i = 0; i + n <= raw.length; i += n) frames.push(new Uint8Array(raw.buffer, raw.byteOffset + i, n));
  return frames;
}
/** PSNR (dB) of 8-bit RGB `a` (cropped from a wider image at x0) against `b`: on Y (BT.601, the
 *  project's convention, no border shaved) and over all of R, G, B (4:2:0 chroma costs that one most). */
function psnr8(a: Uint8Array, aw: number, x0: number, b: Uint8Array, w: number, h: number): { y: number; rgb: number } {
  const crop = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) crop.set(a.subarray((y * aw + x0) * 3, (y * aw + x0 + w) * 3), y * w * 3);
  let s = 0;
  for (let i = 0; i < crop.length; i++) s += (crop[i] - b[i]) ** 2;
  const rgb = s === 0 ? Infinity : 10 * Math.log10((255 * 255 * crop.length) / s);
  return { y: psnrY({ width: w, height: h, channels: 3, data: crop }, { width: w, height: h, channels: 3, data: b }, 0), rgb };
}

/** Every frame as the player's decoder gives it (stepping a paused player from the start). */
async function decodedFrames(page: Page, n: number): Promise<Rgba[]> {
  await pause(page);
  await page.evaluate(async () => {
    const sr = (window as any).__sr;
    sr.engine.seek(0);
    await sr.idle();
  });
  const frames: Rgba[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      await page.getByTestId('step').click();
      await expect.poll(async () => (await state(page)).frameIndex).toBe(i);
      await page.evaluate(() => (window as any).__sr.idle());
    }
    frames.push(await readTexture(page, 'frame'));
  }
  return frames;
}

/** The model's 8-bit output (RGB) for each frame, from onnxruntime-node. */
async function modelOutputs(frames: Rgba[], modelId?: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const f of frames) {
    const y = await runModelOutside('full', toNchw({ ...f, channels: 4 }), f.width, f.height, modelId);
    out.push(nchwTo8bit(y, 4 * f.width, 4 * f.height));
  }
  return out;
}

async function exportVia(page: Page, opts: { content?: string; container?: string; codec?: string; model?: string }): Promise<Download> {
  await page.getByTestId('export').click();
  if (opts.content) await page.getByTestId('export-content').selectOption(opts.content);
  await expect(page.getByTestId('export-start')).toBeEnabled();
  if (opts.model) await page.getByTestId('export-model').selectOption(opts.model);
  if (opts.container) await page.getByTestId('export-container').selectOption(opts.container);
  if (opts.codec) await page.getByTestId('export-codec').selectOption(opts.codec);
  const dl = page.waitForEvent('download', { timeout: 170_000 });
  await page.getByTestId('export-start').click();
  return dl;
}

async function saved(d: Download, name: string): Promise<string> {
  const f = path.join(tmp, name);
  await d.saveAs(f);
  return f;
}

test('export MP4 (H.264 + AAC copied) with the best-scoring model by default, its time said before: 4x size, every frame at its timestamp, the sound kept, pixels = that model outside up to the codec', async ({ page }) => {
  await openPlayer(page, 'save=download');
  await dropClip(page, 'av24x16.mp4');
  await waitFrames(page, 1);
  const frames = await decodedFrames(page, 8);
  const ref = await modelOutputs(frames, BEST);
  const before = await counters(page);
  await page.getByTestId('export').click();
  await expect(page.getByTestId('export-sound')).toContainText('AAC, copied as it is');
  await expect(page.getByTestId('export-model')).toHaveValue(BEST);
  // the player's frames were timed, no export has run yet: the model's time, scaled by FLOPs from
  // the player's model where that is another
  const playing = (await state(page)).model as string;
  const flops = (id: string) => manifest.models.find((m) => m.id === id)!.flops_per_frame_1024!;
  const estimate = page.getByTestId('export-estimate');
  await expect(estimate).toContainText(/^time: about [\d.]+ (s|min)/);
  await expect(estimate).toContainText('8 frames x');
  await expect(estimate).toContainText('for the model alone');
  await expect(estimate).toContainText(`${playing}: `);
  if (playing !== BEST) await expect(estimate).toContainText(`x${(flops(BEST) / flops(playing)).toFixed(2)} for ${BEST}'s FLOPs`);
  await page.getByTestId('export').click(); // closes the dialog; exportVia opens it again
  const f = await saved(await exportVia(page, { container: 'mp4', codec: 'avc' }), 'av.mp4');
  const p = probe(f), v = p.streams.find((s) => s.codec_type === 'video')!, a = p.streams.find((s) => s.codec_type === 'audio');
  expect([v.codec_name, v.width, v.height]).toEqual(['h264', 96, 64]);
  expect(a?.codec_name).toBe('aac');
  const src = clip('av24x16.mp4');
  const ts = frameTimes(f), srcTs = frameTimes(src);
  expect(ts.length).toBe(srcTs.length);
  ts.forEach((t, i) => expect(Math.abs(t - srcTs[i])).toBeLessThan(0.001));
  const ad = audioDuration(f), srcAd = audioDuration(src);
  console.log(`export mp4: ${ts.length} frames, audio ${ad.toFixed(3)} s (source ${srcAd.toFixed(3)} s)`);
  expect(Math.abs(ad - srcAd)).toBeLessThanOrEqual(1024 / 48000 + 1e-6); // one AAC frame
  const got = decodeRgb(f, 96, 64);
  expect(got.length).toBe(8);
  const db = got.map((g, i) => psnr8(g, 96, 0, ref[i], 96, 64));
  console.log(`export mp4 vs onnxruntime-node on the browser's decoded frames (H.264, default quality: high): PSNR-Y ${db.map((x) => x.y.toFixed(1)).join(' ')} dB; RGB ${db.map((x) => x.rgb.toFixed(1)).join(' ')} dB`);
  for (const x of db) expect(x.y).toBeGreaterThan(35);
  await expect(page.getByTestId('notice')).toContainText(`exported 8 frames with ${BEST}`);
  // a model other than the player's was loaded for the export and let go after
  const after = await counters(page);
  for (const k of ['buffersLive', 'texturesLive', 'videoFramesOpen', 'ortOutputsLive'] as const) expect(after[k]).toBe(before[k]);
  expect((await state(page)).model).toBe(playing);
  // after an export its own times are known: the estimate now counts the encoding too
  await page.getByTestId('export').click();
  await expect(page.getByTestId('export-estimate')).toContainText(/^time: about .*decoding and encoding .* as in the last export/);
});

test('export WebM (VP9, Opus copied) and a variable-frame-rate MP4: timestamps kept to the millisecond', async ({ page }) => {
  await openPlayer(page, 'save=download');
  await dropClip(page, 'av16.webm');
  await waitFrames(page, 1);
  const f = await saved(await exportVia(page, { container: 'webm', codec: 'vp9' }), 'av.webm');
  const p = probe(f);
  expect(p.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:opus', 'video:vp9']);
  expect(frameTimes(f)).toHaveLength(frameTimes(clip('av16.webm')).length);

  await dropClip(page, 'vfr16.mp4');
  await expect(page.locator('footer')).toContainText('vfr16.mp4');
  await page.getByTestId('export').click();
  await expect(page.getByTestId('export-sound')).toContainText('no sound');
  await page.getByTestId('export').click();
  const g = await saved(await exportVia(page, { container: 'mp4', codec: 'avc' }), 'vfr.mp4');
  const ts = frameTimes(g);
  console.log(`export vfr: ${ts.map((t) => t.toFixed(3)).join(' ')}`);
  expect(ts).toHaveLength(6);
  [0, 0.1, 0.2, 0.9, 1.0, 1.6].forEach((t, i) => expect(Math.abs(ts[i] - t)).toBeLessThan(0.001));
});

test('comparison export: bicubic on the left, the model on the right; a still exports as a 4x PNG equal to the model', async ({ page }) => {
  await openPlayer(page, 'save=download');
  await dropClip(page, 'av24x16.mp4');
  await waitFrames(page, 1);
  const frames = await decodedFrames(page, 8);
  // a model picked in the dialog: the manifest's default rather than the best-scoring
  const ref = await modelOutputs(frames, manifest.default);
  const f = await saved(await exportVia(page, { content: 'comparison', container: 'webm', codec: 'vp9', model: manifest.default }), 'cmp.webm');
  const v = probe(f).streams.find((s) => s.codec_type === 'video')!;
  expect([v.width, v.height]).toEqual([192, 64]);
  const got = decodeRgb(f, 192, 64);
  expect(got.length).toBe(8);
  for (let i = 0; i < 8; i++) {
    const bic = bicubicUp4({ ...frames[i], channels: 4 });
    const left = psnr8(got[i], 192, 0, bic.data, 96, 64), right = psnr8(got[i], 192, 96, ref[i], 96, 64);
    if (i === 0) console.log(`comparison frame 0 (VP9): left vs bicubic PSNR-Y ${left.y.toFixed(1)} dB (RGB ${left.rgb.toFixed(1)}), right vs model ${right.y.toFixed(1)} dB (RGB ${right.rgb.toFixed(1)})`);
    expect(left.y).toBeGreaterThan(35);
    expect(right.y).toBeGreaterThan(35);
  }

  await dropClip(page, 'still24x20.png');
  await expect(page.locator('footer')).toContainText('still24x20.png');
  await expect.poll(async () => (await state(page)).frameIndex).toBe(0);
  // the dialog keeps the last choice of content (and of model: the best-scoring is picked back)
  const png = await saved(await exportVia(page, { content: 'output', model: BEST }), 'still.png');
  await expect(page.getByTestId('notice')).toContainText(`with ${BEST}`);
  const rgb = execFileSync('ffmpeg', ['-v', 'error', '-i', png, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 26 });
  const still = toNchw({ width: 24, height: 20, channels: 4, data: new Uint8Array(fs.readFileSync(clip('still24x20.rgba'))) });
  const outside = async (id: string) => nchwTo8bit(await runModelOutside('full', still, 24, 20, id), 96, 80);
  const maxDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  expect(rgb.length).toBe(96 * 80 * 3);
  const maxd = maxDiff(rgb, await outside(BEST));
  // the check tells the models apart: another one's output is further than the PNG's rounding
  const others = await Promise.all(manifest.models.filter((m) => m.id !== BEST).map(async (m) => maxDiff(rgb, await outside(m.id))));
  console.log(`PNG still with ${BEST}: 96x80, max |png - model outside| = ${maxd} levels; against the other models ${others.join(', ')}`);
  expect(maxd).toBeLessThanOrEqual(1);
  for (const d of others) expect(d).toBeGreaterThan(1);
});

test('cancel stops at once, leaves no file, and the player plays on; a 1000-frame export keeps the resource counters flat', async ({ page }) => {
  await openPlayer(page, 'save=download');
  await dropClip(page, 'long8.mp4');
  await waitFrames(page, 2);
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  // the player's model throughout (the best-scoring may cost several times more, on a software GPU
  // here; a runner's first use at a size makes what it keeps, which the counters below would see)
  const playing = (await state(page)).model as string;
  await page.getByTestId('export').click();
  await expect(page.getByTestId('export-start')).toBeEnabled();
  await page.getByTestId('export-model').selectOption(playing);
  await page.getByTestId('export-start').click();
  await expect(page.getByTestId('export-progress')).toContainText(/frame [1-9]\d* of 1000/);
  await page.getByTestId('export-cancel').click();
  await expect(page.getByTestId('export-progress')).toHaveCount(0);
  await expect(page.getByTestId('notice')).toContainText('export cancelled');
  const temp = await page.evaluate(async () => {
    const names: string[] = [];
    for await (const k of (await navigator.storage.getDirectory() as any).keys()) names.push(k);
    return names;
  });
  expect(temp).toEqual([]);
  const from = (await state(page)).framesProcessed;
  await waitFrames(page, 3, from); // it was playing: it plays on
  expect(downloads).toEqual([]);

  // the whole file: the counters read while it runs (without waiting, the export holds the loop)
  // are the same at frame 100 and at frame 900, and after it they are back where they were
  await pause(page);
  const settled = await counters(page);
  const raw = () => page.evaluate(() => (window as any).__sr.counters());
  const done = () => page.evaluate(() => Number(/frame (\d+) of/.exec(document.querySelector('[data-testid=export-progress]')?.textContent ?? '')?.[1] ?? -1));
  const dl = exportVia(page, { model: playing });
  await expect.poll(done, { timeout: 120_000, intervals: [50] }).toBeGreaterThanOrEqual(100);
  const at100 = await raw();
  await expect.poll(done, { timeout: 170_000, intervals: [50] }).toBeGreaterThanOrEqual(900);
  const at900 = await raw();
  const f = await saved(await dl, 'long.mp4');
  expect(frameTimes(f)).toHaveLength(1000);
  const after = await counters(page);
  console.log(`1000-frame export: counters at frame 100 ${JSON.stringify(at100)}, at 900 ${JSON.stringify(at900)}; before ${JSON.stringify(settled)}, after ${JSON.stringify(after)}`);
  for (const k of ['buffersLive', 'texturesLive', 'videoFramesOpen', 'ortOutputsLive'] as const) {
    expect(at900[k]).toBe(at100[k]);
    expect(after[k]).toBe(settled[k]);
  }
  // the exporter reads its frames through media/, counted like the player's, each one closed: the
  // 1000 of the file, and none by the paused player
  expect(after.videoFramesOpened - settled.videoFramesOpened).toBe(1000);
  expect(at100.mediaOpen).toBe(settled.mediaOpen + 1); // its own opening of the file, closed after
});

test('damaged media data stops the export where it stops the player, with the same words; no file is left', async ({ page }) => {
  // midbreak16.mp4: 3 s at 20 fps, frame 30 (1.50 s) damaged (scripts/make-test-clips.sh); on the
  // WASM backend (fast here)
  await openPlayer(page, 'save=download&backend=wasm');
  const banner = page.getByTestId('error-banner');
  await dropClip(page, 'midbreak16.mp4');
  const said = /"midbreak16\.mp4": decoding failed at \d\.\d\d s of 3\.00 s \(.*?\)(?=;)/;
  await expect(banner).toContainText(said, { timeout: 30_000 });
  const played = said.exec((await banner.textContent())!)![0];
  await banner.getByRole('button', { name: 'dismiss' }).click();
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  await page.getByTestId('export').click();
  await expect(page.getByTestId('export-start')).toBeEnabled();
  await page.getByTestId('export-start').click();
  await expect(banner).toContainText('export failed: ', { timeout: 120_000 });
  const exported = (await banner.textContent())!;
  console.log(`midbreak16.mp4: playing: ${played}; exporting: ${exported.replace(/×$/, '')}`);
  expect(exported).toContain(`export failed: ${played}; nothing was written`);
  await expect(page.getByTestId('export-progress')).toHaveCount(0);
  const temp = await page.evaluate(async () => {
    const names: string[] = [];
    for await (const k of (await navigator.storage.getDirectory() as any).keys()) names.push(k);
    return names;
  });
  expect(temp).toEqual([]);
  expect(downloads).toEqual([]);
});
