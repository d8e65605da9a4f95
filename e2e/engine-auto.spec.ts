// `?engine=auto`, the default on WebGPU: both engines load, the first frame checks the WGSL engine
// against onnxruntime-web and times both, and the faster that agrees runs the video. Checked here on
// what the page decided (its own timings are not asserted: speed is for benchmarks), on the output
// against onnxruntime-node, and with WGSL weights corrupted on the wire, which must lose the pick.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import { AGREE_DB, fasterEngine } from '../src/engine/inference/wgsl/pick';
import { counters, dropClip, openPlayer, outputDiff, pause, state, waitFrames } from './helpers';

const MODEL = 'sr4x-c32';

async function outputMatchesReference(page: Page): Promise<number> {
  const diff = await outputDiff(page, 'full', MODEL);
  expect(diff).toBeLessThan(1e-3);
  return diff;
}

test('auto: the first frame times both engines and the faster one runs the video', async ({ page }) => {
  await openPlayer(page, `model=${MODEL}&engine=auto`);
  await expect(page.getByTestId('stat-engine')).toHaveText('auto…');
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  await pause(page);
  const s = await state(page);
  const d = s.engineDecision;
  console.log(`auto pick at ${d.size.join('x')}: ${JSON.stringify(d.ms)} ms, agreement ${d.agreeDb.toFixed(1)} dB -> ${d.engine}`);
  expect(d.size).toEqual([32, 32]);
  expect(d.reason).toBeNull();
  expect(d.agreeDb).toBeGreaterThan(90); // fp32 on both: equal to float rounding
  // both were timed, and the page applied the rule (pick.test.ts pins the rule itself)
  expect(d.ms.ort).toBeGreaterThan(0);
  expect(d.ms.wgsl).toBeGreaterThan(0);
  expect(d.engine).toBe(fasterEngine(d.ms));
  expect(s.engine).toBe(d.engine);
  await expect(page.getByTestId('stat-engine')).toHaveText(d.engine === 'wgsl' ? 'WGSL' : 'onnxruntime-web');
  await expect(page.getByTestId('backend-note')).toContainText('ms at 32x32');
  // the loser is freed: one model output held (the frame on screen), none left over from the probe
  expect((await counters(page)).ortOutputsLive).toBe(1);
  console.log(`auto (${d.engine}) vs onnxruntime-node: max |diff| = ${(await outputMatchesReference(page)).toExponential(2)}`);

  // a lost device rebuilds only the engine already picked: no second race
  const before = (await state(page)).framesProcessed;
  await page.evaluate(() => (window as any).__sr.destroyDevice());
  await expect.poll(async () => (await state(page)).recoveries, { timeout: 60_000 }).toBe(1);
  await waitFrames(page, 1, before);
  const after = await state(page);
  expect(after.engine).toBe(d.engine);
  expect(after.engineDecision).toEqual(d);
  await expect(page.getByTestId('backend-note')).toContainText('picked earlier in this session');
  await outputMatchesReference(page);
});

test('auto: a WGSL engine whose output disagrees with onnxruntime-web is left out', async ({ page }) => {
  // weights scaled by 1.25 on the wire: the WGSL engine loads and runs, but computes another function
  await page.route(/\/models\/[^/]+\.weights\.bin$/, async (route) => {
    const res = await route.fetch();
    const b = await res.body();
    const f = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    for (let i = 0; i < f.length; i++) f[i] *= 1.25;
    await route.fulfill({ response: res, body: Buffer.from(f.buffer) });
  });
  await openPlayer(page, `model=${MODEL}&engine=auto`);
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 2);
  await pause(page);
  const d = (await state(page)).engineDecision;
  console.log(`corrupted WGSL weights: agreement ${d.agreeDb.toFixed(1)} dB -> ${d.engine} (${d.reason})`);
  expect(d.engine).toBe('ort');
  expect(d.agreeDb).toBeLessThan(AGREE_DB);
  expect(d.reason).toContain("differs from onnxruntime-web's");
  expect(d.ms.wgsl).toBeNull();
  await expect(page.getByTestId('stat-engine')).toHaveText('onnxruntime-web');
  await expect(page.getByTestId('backend-note')).toContainText('WGSL engine left out');
  await outputMatchesReference(page);
});

test('?engine=ort and ?engine=wgsl skip the pick', async ({ page }) => {
  for (const [q, name] of [['ort', 'onnxruntime-web'], ['wgsl', 'WGSL']] as const) {
    await openPlayer(page, `model=${MODEL}&engine=${q}`);
    await expect(page.getByTestId('stat-engine')).toHaveText(name);
    const s = await state(page);
    expect(s.engine).toBe(q);
    expect(s.engineDecision).toBeNull();
  }
});

test('falling behind the video: said once, with the measured rate and the model the ladder would run at it', async ({ page }) => {
  // the widest model on this project's test machines (software WebGPU, no GPU): about 1 s per
  // 32x32 frame against a 10 fps clip, so it falls behind; the rule itself is pinned in pace.test.ts
  const manifest = JSON.parse(fs.readFileSync('models/manifest.json', 'utf8'));
  const flops = (id: string) => manifest.models.find((m: any) => m.id === id).flops_per_frame_1024;
  await openPlayer(page, 'model=sr4x-c64');
  await dropClip(page, 'tiny32.mp4');
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('falling behind', { timeout: 120_000 });
  const text = (await notice.textContent())!;
  console.log(`notice: ${text}`);
  // the window is 4 s, or 2.5 frame intervals where frames take longer (a busy machine: 5 s at 0.5 fps)
  const m = text.match(/(\d+)% of frames dropped over the last ([\d.]+) s \(([\d.]+) of 10 fps, 32x32 with (\S+) on this GPU\); (\S+?)(?:, the cheapest,)? costs ([\d.]+)x less per frame (?:and would hold it|but would still take)/);
  expect(m).not.toBeNull();
  const [, pct, windowS, fps, cur, cheaper, factor] = m!;
  expect(Number(windowS)).toBeGreaterThanOrEqual(4);
  expect(cur).toBe('sr4x-c64');
  expect(Number(pct)).toBeGreaterThan(50);
  expect(Number(fps)).toBeLessThan(10);
  // the cheaper model is one in the manifest, and the factor is their FLOPs ratio
  expect(flops(cheaper)).toBeLessThan(flops(cur));
  expect(Number(factor)).toBeCloseTo(flops(cur) / flops(cheaper), 1);
  expect((await state(page)).playing).toBe(true);
  // once: dismissed, it does not come back for this video and model while it keeps falling behind
  await page.evaluate(() => (window as any).__sr.engine.dismissError());
  await expect(notice).toHaveCount(0);
  // another full 4 s window of playback (wall time, and frames still coming), still silent
  const from = (await state(page)).framesProcessed, t = Date.now();
  await expect.poll(async () => Date.now() - t > 4500 && (await state(page)).framesProcessed > from + 1, { timeout: 60_000 }).toBe(true);
  await expect(notice).toHaveCount(0);
});
