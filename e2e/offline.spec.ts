// Offline use: after one visit the build's service worker has every file the player can
// load, and the player works with the network gone, still cross-origin isolated and under the same
// CSP (the cached responses keep the server's headers). A new build replaces the cache when the
// user takes it, and the old files go. The dev server registers no worker. The other specs block
// service workers (playwright.config.ts); these allow them.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropClip, state, waitFrames } from './helpers';

test.use({ serviceWorkers: 'allow' });

const dev = !!process.env.E2E_DEV;

/** Every path the service worker has cached, across its caches (Workbox's revision query dropped). */
const cachedPaths = (page: Page) =>
  page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname).sort();
    return out;
  });

/** The model files a manifest lists (every variant: which one loads depends on the GPU). */
function modelFiles(manifest: { models: { fp16: string; fp32: string; low?: { fp16: string; fp32: string }; weights?: { file: string } }[] }): string[] {
  return manifest.models.flatMap((m) => [m.fp16, m.fp32, m.low?.fp16, m.low?.fp32, m.weights?.file].filter((f): f is string => !!f).map((f) => `/models/${f}`));
}

/** Requests off our origin, and CSP complaints, for the whole context (page, workers, the service worker). */
function watch(context: BrowserContext, page: Page, origin: string) {
  const foreign: string[] = [], violations: string[] = [];
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== origin) foreign.push(r.url());
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  page.on('pageerror', (e) => console.log('[pageerror]', e.message));
  return { foreign, violations };
}

const modelReady = (page: Page) => expect.poll(() => page.evaluate(() => (window as any).__sr?.state().modelReady), { timeout: 90_000 }).toBe(true);

test('after one visit the player works with no network: the demo plays, a dropped file plays, isolated and under the CSP', async ({ page, context, baseURL }) => {
  test.skip(dev, 'the service worker is part of the build only (the dev test below)');
  const origin = new URL(baseURL!).origin;
  const { foreign, violations } = watch(context, page, origin);
  // what the player itself loads (not the worker's own downloads, not the page's address)
  const loaded = new Set<string>();
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin === origin && !r.serviceWorker() && !r.isNavigationRequest()) loaded.add(u.pathname);
  });
  const online = (await page.goto('/?demo=0'))!;
  await expect(page.getByTestId('offline-ready')).toBeVisible({ timeout: 120_000 });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await modelReady(page);

  // cached: all this visit loaded (the app, its workers, ORT's runtime, a model), the page, the
  // demo, and every model variant (which one loads depends on the GPU)
  const manifest = JSON.parse(fs.readFileSync('models/manifest.json', 'utf8'));
  const cached = Object.values(await cachedPaths(page)).flat();
  console.log(`loaded by the player: ${[...loaded].sort().join(' ')}; cached: ${cached.length} files`);
  expect([...loaded].some((f) => f.endsWith('.wasm'))).toBe(true);
  expect(cached).toEqual(expect.arrayContaining(['/index.html', '/demo.mp4', ...loaded, ...modelFiles(manifest)]));

  await context.setOffline(true);
  // the network is really gone: a file the worker does not hold fails
  expect(await page.evaluate(() => fetch('/CREDITS.md').then((r) => `HTTP ${r.status}`, () => 'no network'))).toBe('no network');

  // the demo, on the player's own choices (reference mode: the demo's 1024x1024 frames are the
  // model's output size, quick enough on CI's software adapter)
  const res = (await page.goto('/?psnr=reference'))!;
  expect(res.fromServiceWorker()).toBe(true);
  for (const h of ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy', 'content-security-policy']) {
    expect(res.headers()[h], h).toBe(online.headers()[h]);
  }
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await modelReady(page);
  await expect(page.locator('footer')).toContainText('demo.mp4 · 1024×1024');
  await waitFrames(page, 2);
  // the PSNR comes after its frame, and the model the player picks for this device may still be
  // loading (it measures first, then switches): wait for it rather than read it once
  await expect.poll(async () => (await state(page)).psnr?.mode, { timeout: 60_000 }).toBe('reference');
  const demo = await state(page);
  expect(Number.isFinite(demo.psnr?.model)).toBe(true);

  // a dropped file (nothing to fetch but the player itself)
  await dropClip(page, 'tiny32.mp4');
  await expect(page.locator('footer')).toContainText('tiny32.mp4');
  await waitFrames(page, 2, (await state(page)).framesProcessed);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(foreign).toEqual([]);
  expect(violations).toEqual([]);
});

test('installable as an app: Chromium finds the manifest, its icons and the worker', async ({ playwright, launchOptions, baseURL }) => {
  test.skip(dev, 'the service worker and the manifest are part of the build only');
  // Playwright's usual contexts are incognito, where Chromium installs nothing: a profile on disk
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sr4x-profile-'));
  const context = await playwright.chromium.launchPersistentContext(profile, { ...launchOptions, baseURL, serviceWorkers: 'allow' });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/?demo=0&backend=wasm');
    await expect(page.getByTestId('offline-ready')).toBeVisible({ timeout: 120_000 });
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const { url, errors } = await cdp.send('Page.getAppManifest');
    expect(new URL(url).pathname).toBe('/manifest.webmanifest');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

/** A build of the player into `out` with the models in `models`, served by `vite preview` on `port`. */
function build(out: string, models: string): void {
  // NODE_ENV as a user's build has it: a spec before this one in the same worker (an in-process Vite
  // dev server) leaves it 'development', and Workbox then writes an unminified sw.js
  execFileSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { env: { ...process.env, NODE_ENV: 'production', SR_MODELS_DIR: models }, stdio: 'ignore' });
}
async function serve(out: string, models: string, port: number, page: Page): Promise<ChildProcess> {
  const p = spawn('npx', ['vite', 'preview', '--outDir', out, '--port', String(port), '--strictPort', '--logLevel', 'warn'], {
    env: { ...process.env, SR_MODELS_DIR: models },
    stdio: 'ignore',
    detached: true,
  });
  for (let i = 0; i < 120; i++) {
    if ((await page.request.get(`http://localhost:${port}/`).catch(() => null))?.ok()) return p;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the preview server did not start');
}
const stop = (p: ChildProcess | null) => p?.pid && process.kill(-p.pid); // its own process group: npx and vite

test('a new build replaces the cached one when the user takes it: its files come, the old ones go, it works offline', async ({ page, context, baseURL }) => {
  test.skip(dev, 'the service worker is part of the build only');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sr4x-update-'));
  const out = path.join(tmp, 'dist'), v1 = path.join(tmp, 'models-v1'), v2 = path.join(tmp, 'models-v2');
  const port = Number(new URL(baseURL!).port) + 13; // a service worker is per origin: both versions on this one
  // version 2: the widest model gone, sr4x-c48 the default
  fs.cpSync('models', v1, { recursive: true });
  fs.cpSync('models', v2, { recursive: true });
  const m2 = JSON.parse(fs.readFileSync(path.join(v2, 'manifest.json'), 'utf8'));
  const gone = m2.models.find((m: { id: string }) => m.id === 'sr4x-c64');
  expect(gone, 'models/manifest.json has sr4x-c64').toBeTruthy();
  for (const f of modelFiles({ models: [gone] })) fs.rmSync(path.join(v2, path.basename(f)));
  m2.models = m2.models.filter((m: { id: string }) => m.id !== 'sr4x-c64');
  m2.default = 'sr4x-c48';
  fs.writeFileSync(path.join(v2, 'manifest.json'), JSON.stringify(m2, null, 2));

  let server: ChildProcess | null = null;
  try {
    build(out, v1);
    server = await serve(out, v1, port, page);
    const site = `http://localhost:${port}`;
    const { foreign } = watch(context, page, site);
    await page.goto(`${site}/?demo=0&backend=wasm`);
    await expect(page.getByTestId('offline-ready')).toBeVisible({ timeout: 120_000 });
    await modelReady(page);
    await expect(page.getByTestId('model')).toHaveValue('sr4x-c32');
    const before = Object.values(await cachedPaths(page)).flat();
    expect(before).toContain('/models/sr4x-c64.fp32.onnx');

    stop(server);
    server = null;
    build(out, v2);
    server = await serve(out, v2, port, page);
    await page.reload();
    // the old version goes on (served by its worker) until the user takes the new one
    await expect(page.getByTestId('update-reload')).toBeVisible({ timeout: 120_000 });
    await modelReady(page);
    await expect(page.getByTestId('model')).toHaveValue('sr4x-c32');
    await expect(page.getByTestId('model').locator('option', { hasText: 'sr4x-c64' })).toHaveCount(1);

    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.getByTestId('update-reload').click()]);
    await modelReady(page);
    await expect(page.getByTestId('model')).toHaveValue('sr4x-c48');
    await expect(page.getByTestId('model').locator('option', { hasText: 'sr4x-c64' })).toHaveCount(0);
    await expect(page.getByTestId('update-reload')).toHaveCount(0);

    // one cache, holding exactly what the new worker lists: nothing of the old version is left
    const sw = fs.readFileSync(path.join(out, 'sw.js'), 'utf8');
    const listed = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => `/${m[1]}`);
    expect(listed, `the new sw.js (${sw.length} chars) lists no such file; it begins: ${sw.slice(0, 400)}`).toContain('/models/sr4x-c48.fp32.onnx');
    const after = await cachedPaths(page);
    expect(Object.keys(after).length).toBe(1);
    expect(Object.values(after)[0]).toEqual([...new Set(listed)].sort());

    await context.setOffline(true);
    await page.reload();
    await modelReady(page);
    await expect(page.getByTestId('model')).toHaveValue('sr4x-c48');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(foreign).toEqual([]);
  } finally {
    stop(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the dev server registers no service worker (Vite changes modules under it)', async ({ page, baseURL }) => {
  let server: ChildProcess | null = null;
  let site = baseURL!;
  try {
    if (!dev) {
      const port = Number(new URL(baseURL!).port) + 17;
      server = spawn('npx', ['vite', '--port', String(port), '--strictPort', '--logLevel', 'warn'], { stdio: 'ignore', detached: true });
      site = `http://localhost:${port}`;
      for (let i = 0; i < 120 && !(await page.request.get(`${site}/`).catch(() => null))?.ok(); i++) await new Promise((r) => setTimeout(r, 500));
    }
    await page.goto(`${site}/?demo=0&backend=wasm`);
    await modelReady(page);
    await page.waitForTimeout(2000); // the build registers its worker at the window's load
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
    await expect(page.getByTestId('offline-ready')).toHaveCount(0);
  } finally {
    stop(server);
  }
});
