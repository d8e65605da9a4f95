// Drops answered whatever the player is doing: a file that breaks mid-stream,
// a newer file's message that an older file's late failure must not replace, files dropped while
// the model still loads, and files dropped during an export. On the WASM backend (fast here).
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import { units } from './fuzz/mutate';
import { canvasVariance, clip, dropClip, openPlayer, state, waitFrames } from './helpers';

const banner = (page: Page) => page.getByTestId('error-banner');
const answers = (page: Page) => page.evaluate(() => (window as any).__sr.engine.drops.answers());
/** midbreak16.mp4: 3 s at 20 fps; frame 30 (1.50 s) is damaged (scripts/make-test-clips.sh) */
const BREAK_S = 1.5;

test('a video that breaks mid-stream: the message says when, the last good frame stays, what comes before still plays', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  await dropClip(page, 'midbreak16.mp4');
  await expect(banner(page)).toContainText(/"midbreak16\.mp4": decoding failed at \d\.\d\d s of 3\.00 s/, { timeout: 30_000 });
  const at = Number(/failed at (\d\.\d\d) s/.exec((await banner(page).textContent())!)![1]);
  const s = await state(page);
  console.log(`midbreak16.mp4: "${(await banner(page).textContent())!.replace(/×$/, '')}"; last frame on screen at ${s.timestamp} s`);
  // the break is where the damage is, not where the decoder's read-ahead met it (it said 0.05 s)
  expect(at).toBeLessThanOrEqual(BREAK_S);
  expect(at).toBeGreaterThan(BREAK_S - 0.25);
  expect(s.playing).toBe(false);
  expect(s.timestamp).toBeLessThan(BREAK_S);
  expect(s.timestamp).toBeGreaterThan(0.5); // it played up to near the break, and stopped there
  expect(await canvasVariance(page, 'video-upscaled')).toBeGreaterThan(10); // the last good frame, not a blank
  await expect(page.locator('footer')).toContainText('midbreak16.mp4 · 16×16');

  // before the break still plays: seek to 0.5 s, then play on to the break, where it stops again
  await banner(page).getByRole('button', { name: 'dismiss' }).click();
  await page.evaluate(() => (window as any).__sr.engine.seek(0.5));
  await expect.poll(async () => (await state(page)).timestamp).toBe(0.5);
  const logFrom = (await page.evaluate(() => (window as any).__sr.frameLog())).length;
  await page.getByTestId('play-toggle').click();
  await expect(banner(page)).toContainText('"midbreak16.mp4": decoding failed at', { timeout: 30_000 });
  const played: number[] = (await page.evaluate(() => (window as any).__sr.frameLog())).slice(logFrom).map((e: { t: number }) => e.t);
  console.log(`after the seek: ${played.length} frames, ${played[0]}..${played.at(-1)} s`);
  expect(played.length).toBeGreaterThan(3);
  expect(Math.min(...played)).toBeGreaterThanOrEqual(0.5);
  expect(Math.max(...played)).toBeLessThan(BREAK_S);
  expect((await state(page)).playing).toBe(false);
});

test('a video whose first key frame is zeros is refused at once (the decoder fails while the read-ahead is full: it hung once)', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  const b = fs.readFileSync(clip('midbreak16.mp4'));
  const mdat = units('midbreak16.mp4', b).find((u) => u.name === 'mdat')!;
  b.fill(0, mdat.header + 6, mdat.header + 181); // the first frame's data (found by the fuzz test: fuzz1099, seed 14)
  await page.getByTestId('file-input').setInputFiles({ name: 'zeroed-key.mp4', mimeType: 'video/mp4', buffer: b });
  await expect(banner(page)).toContainText('"zeroed-key.mp4": its first frame could not be decoded', { timeout: 5000 });
});

/** `name`'s bytes with `edit` applied (in place on a copy). */
function edited(name: string, edit: (b: Buffer) => void): Buffer {
  const b = fs.readFileSync(clip(name));
  edit(b);
  return b;
}

/** Where the table `type` of tiny32.mp4's one track starts its entries (after version/flags and count). */
function entries(b: Buffer, type: string): number {
  const box = units('tiny32.mp4', b).find((u) => u.name === type)!;
  return box.header + 8;
}

/** odd33x19.webm's first element of `id` (the layout depends on the ffmpeg that made it). */
const element = (b: Buffer, id: string) => units('odd33x19.webm', b).find((u) => u.name === id)!;

test('files that froze or hung the page are answered at once (found by the fuzz test)', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  const cases: Array<[string, Buffer, string | RegExp]> = [
    // Matroska resync on garbage where a level-1 element should be: the demuxer re-read one spot for
    // ever (the fuzz test's copies zeroed 52..271 and 858..1040 of it): the SeekHead's size unreadable,
    // and zeros from the first Cluster to 6 bytes before the end
    ['stuck-segment.webm', edited('odd33x19.webm', (b) => b.fill(0, element(b, '0x114d9b74').start + 4, element(b, '0x114d9b74').start + 5)), /"stuck-segment\.webm" .*the demuxer is stuck, reading byte \d+ over and over/],
    ['stuck-cluster.webm', edited('odd33x19.webm', (b) => b.fill(0, element(b, '0x1f43b675').start, b.length - 6)), /"stuck-cluster\.webm" .*the demuxer is stuck, reading byte \d+ over and over/],
    // sample tables: a flipped high byte of a count, expanded sample by sample
    ['ctts.mp4', edited('tiny32.mp4', (b) => (b[entries(b, 'ctts')] = 0xb5)), /"ctts\.mp4" is a damaged MP4 file: its track 1 \(video\) claims \d+ samples in its ctts box but has 6/],
    ['stsc.mp4', edited('tiny32.mp4', (b) => (b[entries(b, 'stsc') + 4] = 0x70)), /"stsc\.mp4" is a damaged MP4 file: its track 1 \(video\) puts \d+ samples in a chunk but has 6 \(stsc\)/],
  ];
  for (const [name, buffer, message] of cases) {
    const t = Date.now();
    await page.getByTestId('file-input').setInputFiles({ name, mimeType: name.endsWith('.webm') ? 'video/webm' : 'video/mp4', buffer });
    await expect(banner(page)).toContainText(message, { timeout: 5000 });
    console.log(`${name}: answered in ${Date.now() - t} ms: ${(await banner(page).textContent())!.replace(/×$/, '')}`);
  }
});

test('a file that breaks after a newer drop was refused: the newer file keeps its message', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  await dropClip(page, 'midbreak16.mp4');
  await waitFrames(page, 2);
  const playedTo: number = await page.evaluate(() => (window as any).__sr.frameLog().at(-1).t);
  expect(playedTo).toBeLessThan(1); // still well before the break
  await dropClip(page, 'not-a-video.mp4');
  await expect(banner(page)).toContainText('"not-a-video.mp4" is not a video: it is a text file');
  // the older file reaches its break meanwhile: said in the log, not over the newer answer
  await expect
    .poll(async () => (await answers(page)).find((a: { name: string }) => a.name === 'midbreak16.mp4')?.outcome, { timeout: 30_000 })
    .toBe('failed');
  const old = (await answers(page)).find((a: { name: string }) => a.name === 'midbreak16.mp4');
  expect(old.shown).toBe(false);
  expect(old.message).toMatch(/decoding failed at 1\.\d\d s/);
  await expect(banner(page)).toContainText('"not-a-video.mp4" is not a video');
  await expect(page.locator('footer')).toContainText('midbreak16.mp4'); // what was open stays, on its last good frame
  // and a good file after it plays, with no message
  const from = (await state(page)).framesProcessed;
  await dropClip(page, 'tiny32.mp4');
  await expect(banner(page)).toHaveCount(0);
  await waitFrames(page, 2, from);
});

/** Holds back every request matching `url` until `release()` (a slow network). */
async function holdBack(page: Page, url: RegExp): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route(url, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}
const slowModels = (page: Page) => holdBack(page, /\/models\/[^/]+\.onnx$/);

const inputReady = (page: Page) => expect(page.getByTestId('file-input')).toBeAttached();

test('a file dropped while the model is still loading is answered: a bad one gets its message, and it stays (the demo does not replace it)', async ({ page }) => {
  // the demo clip is on, held back like the model so that the drop comes first: it must not take
  // the dropped file's place (it used to clear the message and play)
  const release = await slowModels(page), releaseDemo = await holdBack(page, /\/demo\.mp4$/);
  await page.goto('/?backend=wasm');
  await inputReady(page);
  await dropClip(page, 'audio-only.mp4');
  await expect(banner(page)).toContainText('"audio-only.mp4" has no video track (MP4, audio only)');
  expect((await state(page)).modelReady).toBe(false);
  release();
  releaseDemo();
  await expect.poll(async () => (await state(page)).modelReady, { timeout: 90_000 }).toBe(true);
  await page.waitForTimeout(1000); // the demo would have been opened by now
  await expect(banner(page)).toContainText('"audio-only.mp4" has no video track');
  await expect(page.locator('footer')).toContainText('no video');
});

test('a video dropped while the model is still loading opens, and plays once the model is there', async ({ page }) => {
  const release = await slowModels(page), releaseDemo = await holdBack(page, /\/demo\.mp4$/);
  await page.goto('/?backend=wasm');
  await inputReady(page);
  await dropClip(page, 'tiny48x32.mp4');
  await expect(page.locator('footer')).toContainText('tiny48x32.mp4 · 48×32');
  expect((await state(page)).modelReady).toBe(false);
  release();
  releaseDemo();
  await waitFrames(page, 2);
  expect((await state(page)).frame).toEqual({ width: 48, height: 32 });
  await expect(page.locator('footer')).toContainText('tiny48x32.mp4'); // not replaced by the demo
  await expect(banner(page)).toHaveCount(0);
});

test('a video dropped while another model loads starts at its beginning once the model is there', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  await dropClip(page, 'long8.mp4');
  await expect.poll(async () => (await state(page)).timestamp, { timeout: 30_000 }).toBeGreaterThan(1);
  const release = await slowModels(page);
  const other = await page.evaluate(() => {
    const s = (window as any).__sr.engine;
    return s.models.manifest.models.map((m: { id: string }) => m.id).find((id: string) => id !== s.models.model.id);
  });
  await page.getByTestId('model').selectOption(other);
  await expect.poll(async () => (await state(page)).modelReady).toBe(false);
  const dropped: number = await page.evaluate(() => performance.now());
  await dropClip(page, 'tiny48x32.mp4');
  await expect(page.locator('footer')).toContainText('tiny48x32.mp4 · 48×32');
  release();
  await waitFrames(page, 1, (await state(page)).framesProcessed);
  const log: Array<{ t: number; start: number }> = await page.evaluate(() => (window as any).__sr.frameLog());
  const first = log.find((e) => e.start > dropped)!.t;
  expect(first).toBe(0); // not long8.mp4's time (it was past 1 s: clamped, the new file began at its end)
});

test('drops during an export are answered at once: a bad file by its message, a good one opens when the export ends', async ({ page }) => {
  await openPlayer(page, 'backend=wasm&save=download');
  await dropClip(page, 'long8.mp4'); // 1000 frames: the export runs long enough
  await waitFrames(page, 1);
  await page.getByTestId('export').click();
  await expect(page.getByTestId('export-start')).toBeEnabled();
  await page.getByTestId('export-start').click();
  const progress = page.getByTestId('export-progress');
  await expect(progress).toContainText(/frame [1-9]\d* of 1000/);

  let t = Date.now();
  await dropClip(page, 'not-a-video.mp4');
  await expect(banner(page)).toContainText('"not-a-video.mp4" is not a video', { timeout: 3000 });
  console.log(`during the export: a bad file answered in ${Date.now() - t} ms`);
  t = Date.now();
  await dropClip(page, 'tiny32.mp4');
  await expect(page.getByTestId('notice')).toHaveText('"tiny32.mp4" opens when the export ends (cancel the export to open it now)', { timeout: 3000 });
  console.log(`during the export: a good file answered in ${Date.now() - t} ms`);
  await expect(banner(page)).toHaveCount(0); // a good file clears the older file's message
  await expect(page.locator('footer')).toContainText('long8.mp4'); // still the export's file
  const done = Number(/frame (\d+) of/.exec((await progress.textContent())!)![1]);
  await expect.poll(async () => Number(/frame (\d+) of/.exec((await progress.textContent()) ?? '')?.[1] ?? -1)).toBeGreaterThan(done); // it goes on

  await page.getByTestId('export-cancel').click();
  await expect(progress).toHaveCount(0);
  await expect(page.locator('footer')).toContainText('tiny32.mp4 · 32×32');
  const from = (await state(page)).framesProcessed;
  await waitFrames(page, 2, from);
  expect((await state(page)).frame).toEqual({ width: 32, height: 32 });
});

test('a file dropped while a lost GPU device is being recreated keeps its message after the recovery', async ({ page }) => {
  await openPlayer(page, 'backend=wasm'); // the WASM backend keeps a device too (its limits, the output)
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 1);
  await page.evaluate(() => (window as any).__sr.destroyDevice());
  await dropClip(page, 'not-a-video.mp4');
  await expect(banner(page)).toContainText('"not-a-video.mp4" is not a video');
  await expect.poll(async () => (await state(page)).recoveries, { timeout: 60_000 }).toBe(1);
  await expect.poll(async () => (await state(page)).modelReady, { timeout: 60_000 }).toBe(true);
  await expect(banner(page)).toContainText('"not-a-video.mp4" is not a video'); // recovery used to clear it
  const from = (await state(page)).framesProcessed;
  await dropClip(page, 'tiny48x32.mp4');
  await expect(banner(page)).toHaveCount(0);
  await waitFrames(page, 2, from);
  expect((await state(page)).frame).toEqual({ width: 48, height: 32 });
});

test('a drop that holds no file (text from another page) says so', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.setData('text/plain', 'https://example.com/video.mp4');
    return d;
  });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: dt });
  await expect(page.getByTestId('notice')).toHaveText('nothing to open: the drop held no file (drop a video or an image file)');
});
