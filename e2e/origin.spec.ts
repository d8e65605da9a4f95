// Nothing leaves the machine: every request goes to our own origin, the page is cross-origin
// isolated (COOP/COEP) and the Content-Security-Policy is present and not violated.
import { expect, test } from '@playwright/test';
import { dropClip, openPlayer, waitFrames } from './helpers';

test('same-origin only, cross-origin isolated, CSP enforced without violations', async ({ page, baseURL }) => {
  const foreign: string[] = [], violations: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== new URL(baseURL!).origin) foreign.push(r.url());
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto('/?demo=0');
  const h = res!.headers();
  expect(h['cross-origin-opener-policy']).toBe('same-origin');
  expect(h['cross-origin-embedder-policy']).toBe('require-corp');
  expect(h['content-security-policy']).toContain("connect-src 'self'");
  expect(h['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
  await openPlayer(page, 'backend=wasm');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  expect(foreign).toEqual([]);
  expect(violations).toEqual([]);
});
