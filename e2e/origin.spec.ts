// Nothing leaves the machine: every request goes to our own origin, the page is
// cross-origin isolated (COOP/COEP) and the Content-Security-Policy is present, enforced and not
// violated. Requests are watched on the whole browser context (page, workers: ORT's WASM threads)
// and any request elsewhere is aborted as well as recorded, so the test fails on it.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { dropClip, openPlayer, pause, waitFrames } from './helpers';

async function watch(context: BrowserContext, page: Page, origin: string) {
  const foreign: string[] = [], violations: string[] = [];
  const own = (url: string) => {
    const u = new URL(url);
    return ['data:', 'blob:'].includes(u.protocol) || u.origin === origin;
  };
  context.on('request', (r) => {
    if (!own(r.url())) foreign.push(r.url());
  });
  await context.route(
    (u) => !own(u.href),
    (r) => r.abort('blockedbyclient'),
  );
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  return { foreign, violations };
}

test('same-origin only, cross-origin isolated, CSP enforced without violations (WASM and WebGPU, video and still)', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const { foreign, violations } = await watch(context, page, origin);
  const res = await page.goto('/?demo=0');
  const h = res!.headers();
  expect(h['cross-origin-opener-policy']).toBe('same-origin');
  expect(h['cross-origin-embedder-policy']).toBe('require-corp');
  expect(h['content-security-policy']).toContain("connect-src 'self'");
  expect(h['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/); // no remote scripts, no inline
  expect(h['content-security-policy']).toContain("default-src 'self'");
  // the model files and the ORT runtime carry the same headers (a host must serve them alike)
  for (const path of ['/models/manifest.json', '/ort/ort-wasm-simd-threaded.asyncify.wasm']) {
    const r = await page.request.get(path);
    expect(r.ok()).toBe(true);
    expect(r.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  }

  await openPlayer(page, 'backend=wasm');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  await dropClip(page, 'still24x20.png');
  await expect(page.locator('footer')).toContainText('still24x20.png');

  await openPlayer(page, 'model=sr4x-c32&engine=auto'); // WebGPU as a user gets it: both engines (ORT's WebGPU EP, our WGSL) and our passes
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  await pause(page);
  expect(foreign).toEqual([]);
  expect(violations).toEqual([]);
});

test('the CSP blocks a request to another origin (a video could not be sent anywhere)', async ({ page, context, baseURL }) => {
  const { foreign } = await watch(context, page, new URL(baseURL!).origin);
  await openPlayer(page, 'backend=wasm');
  const r = await page.evaluate(async () => {
    const blocked = new Promise<string>((res) => document.addEventListener('securitypolicyviolation', (e) => res(`${e.violatedDirective} ${e.blockedURI}`), { once: true }));
    let fetched = 'fetch succeeded';
    try {
      await fetch('https://example.com/upload', { method: 'POST', body: 'frame' });
    } catch (e) {
      fetched = `fetch failed: ${(e as Error).message}`;
    }
    return { fetched, violation: await blocked };
  });
  console.log('CSP:', JSON.stringify(r));
  expect(r.fetched).toMatch(/^fetch failed/);
  expect(r.violation).toMatch(/^connect-src https:\/\/example\.com/);
  expect(foreign).toEqual([]); // stopped by the browser before it became a request
});

test('the dev server sends the same isolation and CSP headers as the preview server', async ({ request, baseURL }) => {
  const { spawn } = await import('node:child_process');
  const port = Number(new URL(baseURL!).port) + 7;
  const dev = spawn('npx', ['vite', '--port', String(port), '--strictPort', '--logLevel', 'warn'], { stdio: 'ignore', detached: true });
  try {
    let res = null;
    for (let i = 0; i < 120 && !res; i++) {
      res = await request.get(`http://localhost:${port}/`).catch(() => null);
      if (!res) await new Promise((r) => setTimeout(r, 500));
    }
    expect(res, 'the dev server did not start').not.toBeNull();
    const preview = (await request.get('/')).headers();
    const h = res!.headers();
    for (const k of ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy']) expect(h[k]).toBe(preview[k]);
    // the dev CSP differs only by script-src 'unsafe-inline' (the React-refresh preamble Vite injects)
    expect(h['content-security-policy'].replace(" 'unsafe-inline'", '')).toBe(preview['content-security-policy']);
    expect(h['content-security-policy']).toContain("connect-src 'self'");
    const model = await request.get(`http://localhost:${port}/models/manifest.json`);
    expect(model.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  } finally {
    if (dev.pid) process.kill(-dev.pid); // its own process group: npx and vite
  }
});
