// The README's picture of the player on a phone (docs/phone.png): headless Debian Chromium emulating
// a 390x844 touch screen, the default URL (the demo clip plays), as a newcomer sees it after 60 s.
//   npx vite build && npx vite preview --port 4173 &   then   node scripts/phone-screenshot.mjs http://localhost:4173 [seconds] [out.png]
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const site = process.argv[2] ?? 'http://localhost:4173';
const seconds = Number(process.argv[3] ?? 60);
const out = process.argv[4] ?? 'docs/phone.png';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--no-sandbox'],
});
// scale 1 keeps the PNG small; the service worker is kept out so the page is the build's, not a cache's
const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, serviceWorkers: 'block' });
const page = await context.newPage();
await page.goto(`${site}/`);
await page.waitForTimeout(seconds * 1000);
// scrolled to the upscaled pane: the 4x picture, the overlay under it and the controls, which the
// top of the page (the header, the original) pushes below the first screen
if (process.env.TOP !== '1') await page.evaluate(() => document.querySelector('[data-testid=video-upscaled]').parentElement.scrollIntoView({ block: 'start' }));
// the screen, not the whole page: a full-page capture re-emulates the device and drops the touch
// screen's coarse pointer, so the controls would be drawn at their mouse size
await page.screenshot({ path: out });
await browser.close();
// a photograph in a README: past ~300 KB, 256 colours (ffmpeg's palette, dithered) instead
if (fs.statSync(out).size > 300_000) {
  const tmp = path.join(os.tmpdir(), 'sr4x-phone-full.png');
  fs.renameSync(out, tmp);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', tmp, '-vf', 'split[a][b];[a]palettegen=max_colors=256[p];[b][p]paletteuse', out]);
}
console.log(`${out}: ${fs.statSync(out).size} bytes`);
