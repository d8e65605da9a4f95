// The live plots and "Download stats". The CSV is checked against what the page shows
// and against outside computations: the dropped count of the overlay (counted where frames are
// dropped, not by the log), each frame's media time from its index and the clip's rate, and the
// current frame's reference PSNR recomputed from its pixels with onnxruntime-node and the CPU
// filters. The plots are checked on their pixels: each series' colour is drawn, the budget is a
// horizontal line, and dropped-frame marks and the bicubic PSNR appear when, and only when, there
// are some.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import { nchwTo8bit, psnrY, bicubicUp4, toNchw } from '../src/engine/metrics/filters';
import { PLOT_COLORS } from '../src/ui/plotData';
import { dropClip, openPlayer, pause, psnrOfCurrent, readTexture, runModelOutside, state, waitFrames } from './helpers';

const HEADER = 'row,video,frame,media_s,wall_ms,frame_ms,model_ms,model_clock,dropped_before,psnr_mode,psnr_db,bicubic_db,engine,backend,model,lens';

type Row = Record<string, string>;

/** RFC 4180 with quoted fields (the writer quotes names with commas or quotes). */
function parseCsv(text: string): { header: string; rows: Row[] } {
  const lines: string[][] = [];
  let field = '', line: string[] = [], quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') line.push(field), (field = '');
    else if (c === '\n') line.push(field.replace(/\r$/, '')), lines.push(line), (line = []), (field = '');
    else field += c;
  }
  const [head, ...body] = lines;
  return { header: head.join(','), rows: body.map((l) => Object.fromEntries(head.map((k, i) => [k, l[i]]))) };
}

async function downloadStats(page: Page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-stats').click()]);
  expect(dl.suggestedFilename()).toMatch(/^sr4x-stats-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.csv$/);
  return parseCsv(fs.readFileSync((await dl.path())!, 'utf8'));
}

/** Per colour: how many pixels of a plot's canvas have it, and the most in any one pixel row. */
async function colours(page: Page, testid: string, names: (keyof typeof PLOT_COLORS)[]) {
  // the canvas only: uPlot's legend (DOM) shows every series' colour whether drawn or not
  const png = await page.getByTestId(testid).locator('canvas').screenshot();
  return page.evaluate(
    async ({ b64, cols }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const out: Record<string, { count: number; bestRow: number; width: number }> = {};
      for (const [name, hex] of cols) {
        const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        let count = 0, bestRow = 0;
        for (let y = 0; y < c.height; y++) {
          let row = 0;
          for (let x = 0; x < c.width; x++) {
            const i = (y * c.width + x) * 4;
            if (Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) <= 45) row++;
          }
          count += row;
          bestRow = Math.max(bestRow, row);
        }
        out[name] = { count, bestRow, width: c.width };
      }
      return out;
    },
    { b64: png.toString('base64'), cols: names.map((n) => [n, PLOT_COLORS[n]] as [string, string]) },
  );
}

const fps = 10; // tiny32.mp4: 6 frames at 10 fps (scripts/make-test-clips.sh)

test('plots and CSV, reference mode with dropped frames: every frame shown, figures that match the page and an outside PSNR', async ({ page }) => {
  await openPlayer(page, 'psnr=reference');
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 3);
  // hold the page's thread 0.6 s: six frames' time passes, and those due meanwhile are dropped
  await page.evaluate(() => {
    const t = performance.now();
    while (performance.now() - t < 600);
  });
  await expect.poll(async () => parseInt((await page.getByTestId('stat-dropped').textContent())!)).toBeGreaterThan(0);
  await waitFrames(page, 2, (await state(page)).framesProcessed);
  await pause(page);
  const p = await psnrOfCurrent(page, 'reference');
  const st = await state(page);

  const { header, rows } = await downloadStats(page);
  expect(header).toBe(HEADER);
  expect(rows.length).toBe(st.framesProcessed); // every frame shown in the session, and only those
  rows.forEach((r, i) => expect(Number(r.row)).toBe(i));
  // the overlay is pushed a few times a second: after the pause its last push may trail the log,
  // so it is polled until it settles, and must settle on the log's sum
  const dropped = rows.reduce((s, r) => s + Number(r.dropped_before), 0);
  await expect.poll(async () => parseInt((await page.getByTestId('stat-dropped').textContent())!)).toBe(dropped);
  const backend = (await page.getByTestId('stat-backend').textContent())!;
  const model = await page.getByTestId('model').inputValue();
  for (const r of rows) {
    expect([r.video, r.backend, r.model, r.model_clock, r.engine]).toEqual(['tiny32.mp4', backend, model, st.modelClock, st.engine]);
    expect(Number(r.media_s)).toBeCloseTo(Number(r.frame) / fps, 5);
    expect(Number(r.frame_ms)).toBeGreaterThan(0);
    expect(Number(r.model_ms)).toBeGreaterThan(0);
    expect(Number(r.model_ms)).toBeLessThanOrEqual(Number(r.frame_ms) + 1); // the model is part of the frame
  }
  for (let i = 1; i < rows.length; i++) expect(Number(rows[i].wall_ms)).toBeGreaterThanOrEqual(Number(rows[i - 1].wall_ms));

  // the last row is the frame on screen: its PSNR, recomputed outside the browser
  const last = rows.at(-1)!;
  expect(Number(last.frame)).toBe(st.frameIndex);
  expect(last.psnr_mode).toBe('reference');
  const gt = await readTexture(page, 'frame');
  const lr = await readTexture(page, 'input');
  const out = await runModelOutside('full', toNchw({ ...lr, channels: 4 }), lr.width, lr.height, model);
  const modelPsnr = psnrY({ width: gt.width, height: gt.height, channels: 3, data: nchwTo8bit(out, gt.width, gt.height) }, { ...gt, channels: 4 });
  const bicPsnr = psnrY({ ...bicubicUp4({ ...lr, channels: 4 }), channels: 3 }, { ...gt, channels: 4 });
  console.log(`CSV last row: model ${last.psnr_db} dB (outside ${modelPsnr.toFixed(4)}, page ${p.model.toFixed(4)}), bicubic ${last.bicubic_db} dB (outside ${bicPsnr.toFixed(4)}); ${rows.length} rows, ${dropped} dropped`);
  expect(Math.abs(Number(last.psnr_db) - modelPsnr)).toBeLessThan(0.05);
  expect(Math.abs(Number(last.bicubic_db) - bicPsnr)).toBeLessThan(0.05);

  // the plots: every series drawn, the budget a horizontal line, the drops marked
  const t = await colours(page, 'plot-times', ['frame', 'model', 'budget', 'dropped']);
  const q = await colours(page, 'plot-psnr', ['psnr', 'bicubic']);
  console.log('plot pixels:', JSON.stringify({ ...t, ...q }));
  expect(t.frame.count).toBeGreaterThan(20);
  expect(t.model.count).toBeGreaterThan(20);
  expect(t.budget.bestRow).toBeGreaterThan(t.budget.width * 0.3); // dashed 6 on, 4 off, across the plot (not the axis)
  expect(t.dropped.count).toBeGreaterThan(10);
  expect(q.psnr.count).toBeGreaterThan(20);
  expect(q.bicubic.count).toBeGreaterThan(20);
  await expect(page.getByTestId('plot-times').locator('..')).toContainText(`budget ${(1000 / fps).toFixed(1)} ms at ${fps.toFixed(2)} fps`);
});

test('plots and CSV, consistency mode with every frame taken: no drops marked, no bicubic', async ({ page }) => {
  await openPlayer(page);
  await page.evaluate(() => (window as any).__sr.setRealtime(false)); // every frame, none dropped
  await dropClip(page, 'tiny32.mp4');
  await waitFrames(page, 9);
  await pause(page);
  await psnrOfCurrent(page, 'consistency');
  const st = await state(page);

  const { rows } = await downloadStats(page);
  expect(rows.length).toBe(st.framesProcessed);
  expect(rows.every((r) => r.dropped_before === '0')).toBe(true);
  expect(rows.every((r) => r.bicubic_db === '')).toBe(true);
  expect(rows.at(-1)!.psnr_mode).toBe('consistency');
  expect(Number(rows.at(-1)!.psnr_db)).toBeCloseTo(st.psnr.model, 3);
  // taken one after another: the frames' indices follow the clip, looping over its 6 frames
  const frames = rows.map((r) => Number(r.frame));
  for (let i = rows.length - 8; i < rows.length; i++) expect(frames[i]).toBe((frames[i - 1] + 1) % 6);

  const t = await colours(page, 'plot-times', ['frame', 'budget', 'dropped']);
  const q = await colours(page, 'plot-psnr', ['psnr', 'bicubic']);
  console.log('plot pixels:', JSON.stringify({ ...t, ...q }));
  expect(t.frame.count).toBeGreaterThan(20);
  expect(t.budget.bestRow).toBeGreaterThan(t.budget.width * 0.3);
  expect(t.dropped.count).toBe(0);
  expect(q.psnr.count).toBeGreaterThan(20);
  expect(q.bicubic.count).toBe(0);
});
