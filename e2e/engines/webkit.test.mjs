// The player in WebKitGTK (Safari's engine; Debian's webkit2gtk-driver, MiniBrowser) through
// WebKitWebDriver (W3C WebDriver, our client in webdriver.mjs), under Xvfb. No WebGPU in this build:
// the WASM backend; WebCodecs (GStreamer underneath) decode and encode.
//   node --test e2e/engines/webkit.test.mjs     (npm run test:engines runs every browser)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { badInput, defaultUrl, droppedClip, exportClip, exportStill, helpers, open, text, waitFrames, waitText } from './checks.mjs';
import { serve } from './serve.mjs';
import { download, startWebKit } from './webkit.mjs';

let server;
before(async () => (server = await serve()));
after(() => server?.close());

describe('WebKitGTK (MiniBrowser, WASM)', () => {
  let p;
  before(async () => {
    p = await startWebKit();
    p.label = 'webkit';
    console.log(`[webkit] MiniBrowser ${p.version}`);
  });
  after(() => p?.close());

  test('the default URL: the demo, its bicubic preview, then the model frame (WASM, "no WebGPU" in the header)', { timeout: 300_000 }, async () => {
    await defaultUrl(p, server.base, { note: /no WebGPU \(this browser has no WebGPU \(navigator\.gpu is missing\)\): the model runs on the CPU \(WASM\)/ });
  });

  test('a picked clip plays with latency and PSNR; its output and both PSNR modes equal the outside computation', { timeout: 180_000 }, async () => {
    await droppedClip(p, server.base);
  });

  test('bad files get their messages; what played plays on', { timeout: 180_000 }, async () => {
    await badInput(p, server.base, [
      ['not-a-video.mp4', /"not-a-video\.mp4" is not a video: it is a text file/],
      ['truncated.mp4', /"truncated\.mp4" has no decodable video frames \(the media data is missing or damaged: truncated file\?\)/],
    ]);
  });

  // H.264, not the dialog's first choice (AV1): WebKit's AV1 encoder writes BT.709 YUV with no colour
  // tags, which ffmpeg reads as BT.601 (32 dB from the model), and its VP9 is blocky at this size
  // (25 dB); H.264 comes out tagged and right. The clip plays (a decoder runs) before the dialog asks
  // VideoEncoder.isConfigSupported: asked before any VideoDecoder call, that probe crashes WebKitGTK
  // 2.50's web process (every later WebDriver command then fails).
  test('export H.264 (?save=download): ffprobe reads a 4x file with every frame and the sound; pixels = the model outside', { timeout: 300_000 }, async () => {
    await exportClip(p, server.base, download, { container: 'mp4', codec: 'avc' });
  });

  // the page's first media call is no decoder here: the dialog must not probe VideoEncoder (the crash above)
  test('a still exports as a 4x PNG equal to the model outside, with no video decoded before', { timeout: 180_000 }, async () => {
    await exportStill(p, server.base, download);
  });
});

describe('WebKitGTK with the locale unset (LANG=C.UTF-8)', () => {
  let p;
  before(async () => {
    p = await startWebKit('C.UTF-8');
    p.label = 'webkit LANG=C';
  });
  after(() => p?.close());

  // navigator.language is then "C", no BCP 47 tag: Intl constructors throw on it (it blanked the page)
  test('the page works with navigator.language "C": a picked clip plays with its figures', { timeout: 180_000 }, async () => {
    await open(p, server.base, '');
    // the browser's own value (the page puts a usable tag on navigator itself)
    assert.equal(await p.eval(() => Object.getOwnPropertyDescriptor(Navigator.prototype, 'language').get.call(navigator)), 'C');
    await p.upload(helpers.clip('tiny32.mp4'));
    await waitFrames(p, 2);
    await waitText(p, 'stat-latency', /^\d+\.\d ms$/);
    await waitText(p, 'stat-psnr', /^\d+\.\d\d dB$/);
    console.log(`[webkit LANG=C] latency ${await text(p, 'stat-latency')}, PSNR ${await text(p, 'stat-psnr')}`);
  });
});
