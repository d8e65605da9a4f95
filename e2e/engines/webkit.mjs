// WebKitGTK (Safari's engine): MiniBrowser from Debian's libwebkit2gtk-4.1-0 driven by
// WebKitWebDriver (webkit2gtk-driver) under Xvfb, through our W3C client (webdriver.mjs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportFailed } from './checks.mjs';
import { startWebDriver } from './webdriver.mjs';

export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** WebKitWebDriver on a display of its own, MiniBrowser in automation mode. navigator.language
 *  comes from LANG; an unset or "C" locale gives the page "C" (see the README's browser table). */
export function startWebKit(lang = 'en_US.UTF-8') {
  return startWebDriver(
    ['xvfb-run', '-a', '-s', '-screen 0 1280x1024x24', 'WebKitWebDriver'],
    { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } },
    { env: { ...process.env, LANG: lang, LC_ALL: lang } },
  );
}

/** The export's bytes as the page hands them to the download: the Blob behind the blob: URL of its
 *  <a download> (MiniBrowser under automation has no download folder to set, and the page's CSP,
 *  connect-src 'self', forbids fetching a blob: URL). */
export async function download(p, start) {
  await p.eval(() => {
    window.__download = null;
    const blobs = new Map();
    const create = URL.createObjectURL;
    URL.createObjectURL = (o) => {
      const u = create.call(URL, o);
      blobs.set(u, o);
      return u;
    };
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function () {
      if (this.download && blobs.has(this.href)) window.__download = { name: this.download, blob: blobs.get(this.href) };
      else click.call(this);
    };
  });
  await start();
  const t0 = Date.now();
  let name = null;
  while (!(name = await p.eval(() => window.__download?.name ?? null))) {
    await exportFailed(p);
    if (Date.now() - t0 > 170_000) assert.fail('no download after 170 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  const b64 = await p.eval(async () => {
    const u8 = new Uint8Array(await window.__download.blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sr4x-wk-dl-')), name);
  fs.writeFileSync(file, Buffer.from(b64, 'base64'));
  return file;
}
