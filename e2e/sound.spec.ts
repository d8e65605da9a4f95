// Sound: the player starts muted and says so; one click unmutes; the sound plays in step
// with the picture. avsync16.mp4 flashes white and clicks at the same instants (0.5, 1.5, 2.5 s,
// made by ffmpeg in scripts/make-test-clips.sh): from the page's own clocks, the audio context's
// time at which each flash frame was shown and the time at which its click was rendered must agree
// within one frame (100 ms), over loops and after a seek. WASM backend: 16x16 frames take a few ms,
// so the picture's own latency does not blur the check.
import { expect, test, type Page } from '@playwright/test';
import { dropClip, openPlayer, state, waitFrames } from './helpers';

const FRAME = 0.1;
const FLASHES = [0.5, 1.5, 2.5];

interface Scheduled {
  timestamp: number;
  duration: number;
  at: number;
  /** where in the buffer its loudest sample is (s), when loud */
  peak: number | null;
}

const audio = (page: Page) => page.evaluate(() => (window as any).__sr.audio());

/** For every flash shown with sound: (context time it was shown) - (context time its click was rendered). */
async function flashOffsets(page: Page, since: number): Promise<number[]> {
  const log: Array<{ t: number; audio: number | null; shown: number }> = await page.evaluate(() => (window as any).__sr.frameLog());
  const sched: Scheduled[] = (await audio(page)).scheduled;
  const clicks = sched.filter((b) => b.peak !== null).map((b) => ({ media: b.timestamp + b.peak!, at: b.at + b.peak! }));
  const out: number[] = [];
  for (const e of log) {
    if (e.audio === null || e.shown < since || !FLASHES.some((f) => Math.abs(e.t - f) < 1e-3)) continue;
    // the click of the same media instant, rendered closest to when the flash was shown (loops repeat them)
    const cands = clicks.filter((c) => Math.abs(c.media - e.t) < 0.02);
    if (!cands.length) continue;
    const best = cands.reduce((a, b) => (Math.abs(b.at - e.audio!) < Math.abs(a.at - e.audio!) ? b : a));
    out.push(e.audio - best.at);
  }
  return out;
}

test('muted at start, one click unmutes; flashes and clicks stay within one frame of each other, over loops and after a seek', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  await expect(page.getByTestId('mute')).toHaveText(/Unmute/);
  await dropClip(page, 'avsync16.mp4');
  await waitFrames(page, 3);
  expect((await audio(page)).audio).toBeNull(); // muted: the wall clock runs the video
  await page.getByTestId('mute').click();
  await expect(page.getByTestId('mute')).toHaveText(/Mute/);
  await expect.poll(async () => (await audio(page)).audio, { timeout: 10_000 }).not.toBeNull();
  const t0 = await page.evaluate(() => performance.now());
  // two loops and a half of the 3 s clip
  await page.waitForTimeout(7500);
  const off = await flashOffsets(page, t0);
  console.log(`A/V: ${off.length} flashes, shown - click = ${off.map((x) => (x * 1000).toFixed(0)).join(' ')} ms`);
  expect(off.length).toBeGreaterThanOrEqual(3); // of 7 (a busy machine drops the odd flash frame)
  for (const x of off) expect(Math.abs(x)).toBeLessThan(FRAME);
  // the playback clock follows the sound, ahead of it by at most the picture's latency (capped)
  const a = await audio(page);
  expect(a.clock - a.audio).toBeGreaterThanOrEqual(0);
  expect(a.clock - a.audio).toBeLessThanOrEqual(0.25 + 1e-3);

  await page.evaluate(() => (window as any).__sr.engine.seek(1.2));
  const t1 = await page.evaluate(() => performance.now());
  await page.waitForTimeout(2500);
  const off2 = await flashOffsets(page, t1);
  console.log(`A/V after a seek to 1.2 s: shown - click = ${off2.map((x) => (x * 1000).toFixed(0)).join(' ')} ms`);
  expect(off2.length).toBeGreaterThanOrEqual(1);
  for (const x of off2) expect(Math.abs(x)).toBeLessThan(FRAME);

  // pause stops the sound; play resumes it at the picture
  await page.getByTestId('play-toggle').click();
  await expect.poll(async () => (await audio(page)).audio).toBeNull();
  await page.getByTestId('play-toggle').click();
  await expect.poll(async () => (await audio(page)).audio).not.toBeNull();
  const s = await state(page), b = await audio(page);
  expect(Math.abs(b.audio - s.timestamp)).toBeLessThan(0.5);
  // M mutes again: the picture goes on, on the wall clock
  await page.keyboard.press('m');
  await expect(page.getByTestId('mute')).toHaveText(/Unmute/);
  const from = (await state(page)).framesProcessed;
  await waitFrames(page, 3, from);
});

test('a video without sound, or with sound this browser cannot decode (AC-3), plays silently with a note', async ({ page }) => {
  await openPlayer(page, 'backend=wasm');
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  await expect(page.getByTestId('sound-note')).toHaveText('this video has no sound');
  await dropClip(page, 'ac3-16.mp4');
  await expect(page.locator('footer')).toContainText('ac3-16.mp4');
  await expect(page.getByTestId('notice')).toContainText('plays silently: this browser cannot decode its audio (ac3)');
  await expect(page.getByTestId('sound-note')).toContainText('cannot play its sound');
  const from = (await state(page)).framesProcessed;
  await page.getByTestId('mute').click();
  await waitFrames(page, 3, from);
  expect((await audio(page)).audio).toBeNull();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
