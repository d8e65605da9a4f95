// Firefox ESR (Debian's firefox-esr) over WebDriver BiDi with puppeteer-core, behind the same page
// interface as the WebKit client (webdriver.mjs): goto, eval, upload, click, select, shot.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Launches Firefox with `prefs` on top of ours; returns the page interface, plus `downloads` (the
 *  folder an export lands in) and `raw` (puppeteer's Page). */
export async function launchFirefox(prefs = {}) {
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'sr4x-ff-dl-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocol: 'webDriverBiDi',
    extraPrefsFirefox: {
      // what Playwright's Chromium runs do too: the service worker would cache ~40 MB at the first
      // visit (CPU the tests share) and serve later loads from it (e2e/offline.spec.ts tests it)
      'dom.serviceWorkers.enabled': false,
      // an export's download lands in our folder without a dialog
      'browser.download.folderList': 2,
      'browser.download.dir': downloads,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.helperApps.neverAsk.saveToDisk': 'video/mp4,video/webm,image/png,application/octet-stream',
      'browser.download.manager.showWhenStarting': false,
      ...prefs,
    },
  });
  const version = await browser.version();
  const pages = await browser.pages();
  const pg = pages[0] ?? (await browser.newPage());
  await pg.setViewport({ width: 1280, height: 800 });
  pg.on('pageerror', (e) => console.log(`[firefox pageerror] ${e.message}`));
  pg.on('console', (m) => m.type() === 'error' && console.log(`[firefox console.error] ${m.text()}`));
  const byTestId = (id) => `[data-testid="${id}"]`;
  const page = {
    name: 'firefox',
    version,
    downloads,
    /** puppeteer's Page, for what the interface does not cover */
    raw: pg,
    async goto(url) {
      await pg.goto(url, { waitUntil: 'load', timeout: 120_000 });
    },
    eval: (fn, arg) => pg.evaluate(fn, arg),
    async upload(file) {
      const input = await pg.waitForSelector(byTestId('file-input'));
      await input.uploadFile(file);
    },
    click: (testid) => pg.click(byTestId(testid)),
    async select(testid, value) {
      await pg.select(byTestId(testid), value);
    },
    async shot(testid) {
      const el = await pg.waitForSelector(byTestId(testid));
      return el.screenshot({ encoding: 'base64' });
    },
    async close() {
      await browser.close().catch(() => undefined);
      fs.rmSync(downloads, { recursive: true, force: true });
    },
  };
  return page;
}
