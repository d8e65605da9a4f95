// The README's picture of the player with its live plots (docs/plots.png): headless Debian Chromium
// on the running build, the demo clip scaled to 128x128 (ffmpeg) in reference mode, 20 s of play.
//   npx vite build && npx vite preview --port 4173 &   then   node scripts/readme-screenshot.mjs http://localhost:4173
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const site = process.argv[2] ?? 'http://localhost:4173';
const clip = path.join(os.tmpdir(), 'sr4x-demo128.mp4');
execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', 'public/demo.mp4', '-vf', 'scale=128:128', '-an', clip]);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--no-sandbox'],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
await page.goto(`${site}/?demo=0&psnr=reference`);
await page.waitForFunction(() => window.__sr?.state().modelReady, null, { timeout: 120_000 });
await page.getByTestId('file-input').setInputFiles(clip);
await page.waitForTimeout(20_000);
await page.screenshot({ path: 'docs/plots.png', fullPage: true });
await browser.close();
