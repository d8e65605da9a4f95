// The lens side each whole-frame row of a results file holds at a video's rate: the player's own
// rule (src/engine/view/lens.ts sideForRate, loaded through Vite: no second copy of it) applied to the
// row's measured model time, i.e. the lens the ladder turns on from a whole-frame rate, the model
// alone (the passes around it are not in it).
//   node bench/browser/held-side.mjs [--fps 60] bench/results/<file>.json ...
// bench/browser/run.mjs prints the same column for the rows it has just measured.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `(pxPerMs, frameMs) => side`, the player's rule, loaded through Vite's module graph: `vite`'s
 *  where a server runs already (bench/browser/run.mjs), else one started for it. */
export async function loadSideForRate(vite = null) {
  if (vite) return (await vite.ssrLoadModule('/src/engine/view/lens.ts')).sideForRate;
  const { createServer } = await import('vite');
  const srv = await createServer({ root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', server: { middlewareMode: true, hmr: false }, appType: 'custom' });
  try {
    return await loadSideForRate(srv);
  } finally {
    await srv.close();
  }
}

/** The side held at `fps` for a whole-frame row (input pixels a side), or null for other rows. */
export function heldSide(sideForRate, row, fps = 60) {
  if (row.lens || !row.input || !(row.model_ms > 0)) return null;
  return sideForRate((row.input[0] * row.input[1]) / row.model_ms, 1000 / fps);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--fps'), fps = i >= 0 ? Number(args.splice(i, 2)[1]) : 60;
  const sideForRate = await loadSideForRate();
  console.log(`file  model  backend  input  whole-frame model ms  lens side held at ${fps} fps`);
  for (const f of args) {
    const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
    for (const r of doc.results ?? []) {
      const side = heldSide(sideForRate, r, fps);
      if (side !== null && r.kind === 'lens') console.log(`${path.basename(f)}  ${doc.model?.id ?? '?'}  ${r.backend}  ${r.input.join('x')}  ${r.model_ms}  ${side}`);
    }
  }
  process.exit(0);
}
