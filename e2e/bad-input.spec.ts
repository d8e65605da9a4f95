// Bad input: each file gets a named, specific message in error-banner, the video that was
// playing keeps playing, and the next good file plays. On the WASM backend (fast here); the size
// limits are the GPU device's all the same (the frame path is on the GPU).
import { expect, test, type Browser, type Page } from '@playwright/test';
import fs from 'node:fs';
import { clip, dropClip, openPlayer, state, waitFrames } from './helpers';

/** The player on `backend`, one page for every case, as a user drops one file after another (each
 *  case plays tiny32.mp4 first, so what it checks does not hang on the case before; a failed test
 *  gets a new worker, and with it new pages). */
const pages = new Map<string, Promise<Page>>();
function playerOn(browser: Browser, baseURL: string | undefined, backend: string): Promise<Page> {
  let p = pages.get(backend);
  if (!p) {
    p = browser.newPage({ baseURL, serviceWorkers: 'block', viewport: { width: 1280, height: 800 } }).then(async (page) => {
      await openPlayer(page, `backend=${backend}`);
      return page;
    });
    pages.set(backend, p);
  }
  return p;
}
test.afterAll(async () => {
  for (const p of pages.values()) await (await p).close();
  pages.clear();
});

/** Plays `tiny32.mp4`, drops `bad`, checks the message and that tiny32 kept playing, then plays a good clip. */
async function badThenGood(page: Page, bad: string, message: string | RegExp): Promise<void> {
  const from = (await state(page)).framesProcessed;
  await dropClip(page, 'tiny32.mp4');
  await expect(page.locator('footer')).toContainText('tiny32.mp4 · 32×32');
  await waitFrames(page, 1, from);
  await dropClip(page, bad);
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText(message, { timeout: 60_000 });
  const text = (await banner.textContent())!.replace(/×$/, '');
  console.log(`${bad}: ${text}`);
  // what was playing is still there and still playing
  await expect(page.locator('footer')).toContainText('tiny32.mp4 · 32×32');
  const s = await state(page);
  expect(s.playing).toBe(true);
  await waitFrames(page, 1, s.framesProcessed);
  // the next good file plays and clears the message
  const before = (await state(page)).framesProcessed;
  await dropClip(page, 'tiny48x32.mp4');
  await expect(banner).toHaveCount(0);
  await waitFrames(page, 2, before);
  expect((await state(page)).frame).toEqual({ width: 48, height: 32 });
}

/** What the cut-header message must name, from the fixtures themselves (their layout depends on the
 *  ffmpeg that made them): where tiny32.mp4's moov box ends, and how long its cut copy is. */
function headerCut(): RegExp {
  const b = fs.readFileSync(clip('tiny32.mp4'));
  let i = 0, needs = 0;
  while (i + 8 <= b.length && !needs) {
    const size = b.readUInt32BE(i), kind = b.toString('latin1', i + 4, i + 8);
    if (size < 8) break;
    i += size;
    if (kind === 'moov') needs = i;
  }
  const cut = fs.statSync(clip('truncated-header.mp4')).size;
  expect(needs).toBeGreaterThan(cut);
  return new RegExp(`"truncated-header\\.mp4" is a damaged MP4 file: its header \\(the moov box\\) is cut off: the file ends at byte ${cut}, the header needs ${needs}\\b`);
}

const cases: Array<[string, string, string | RegExp | (() => RegExp), string?]> = [
  ['an empty file', 'empty.mp4', '"empty.mp4" is empty (0 bytes)'],
  ['a text file named .mp4', 'not-a-video.mp4', '"not-a-video.mp4" is not a video: it is a text file'],
  ['a PNG image named .mp4', 'image-named.mp4', '"image-named.mp4" is a PNG image named like a video: open it with its image extension (.png)'],
  // the header is intact (faststart), so it opens; no frame's data is complete (60% of a 6-frame GOP)
  ['an MP4 cut inside the media data', 'truncated.mp4', '"truncated.mp4" has no decodable video frames (the media data is missing or damaged: truncated file?)'],
  ['an MP4 cut inside its header', 'truncated-header.mp4', headerCut],
  ['an audio-only MP4', 'audio-only.mp4', '"audio-only.mp4" has no video track (MP4, audio only)'],
  // refused with the reason, not tiled (README): 32768 px is over any GPU's texture size
  [
    'an 8192x8192 video on WebGPU (its 4x output is over the GPU limits)',
    'huge8192.mp4',
    /"huge8192\.mp4" is 8192x8192: too large to upscale 4x on this GPU \(output 32768x32768 > maxTextureDimension2D \d+; model tensors of 12288 MiB > the \d+ MiB buffer limit\); it takes inputs up to \d+x\d+/,
    'webgpu',
  ],
  [
    'a 3000x3000 PNG on WebGPU (refused from its header, before decoding)',
    'huge3000.png',
    /"huge3000\.png" is 3000x3000: too large to upscale 4x on this GPU \(output 12000x12000 > maxTextureDimension2D \d+/,
    'webgpu',
  ],
  [
    // the WASM backend's frames never touch the GPU: its own limit, whatever GPU the machine has
    'an 8192x8192 video on WASM (over the CPU path\'s limit)',
    'huge8192.mp4',
    '"huge8192.mp4" is 8192x8192: too large for the CPU (WASM) path, which takes up to 1920x1088',
  ],
];

for (const [what, file, message, backend] of cases) {
  test(`bad input: ${what}`, async ({ browser, baseURL }) => {
    await badThenGood(await playerOn(browser, baseURL, backend ?? 'wasm'), file, typeof message === 'function' ? message() : message);
  });
}

test('bad input: HEVC in MP4 (no HEVC decoder in this Chromium) is named as a codec the browser cannot decode', async ({ browser, baseURL }) => {
  const page = await playerOn(browser, baseURL, 'wasm');
  const hevc = await page.evaluate(async () => (await VideoDecoder.isConfigSupported({ codec: 'hev1.1.6.L30.90', codedWidth: 32, codedHeight: 32 })).supported);
  test.skip(!!hevc, 'this browser decodes HEVC: nothing to refuse');
  await badThenGood(page, 'hevc32.mp4', /"hevc32\.mp4": this browser cannot decode its video codec \(HEVC \/ H\.265, hev1\.[\w.]+\)/);
});
