// The production build behind `vite preview`, as playwright.config.ts serves it (strict CSP,
// COOP/COEP), in a folder of its own (dist-engines/) on a port of its own (5401), so a Playwright
// run beside it is not disturbed. Built once per run by run.mjs; a spec run by itself builds it
// when it is missing.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PORT = Number(process.env.ENGINES_PORT ?? 5401);
const OUT = 'dist-engines';

/** The fixture clips (e2e/global-setup.ts's script) and the build. */
export function prepare({ build = true } = {}) {
  execFileSync('bash', [path.join(ROOT, 'scripts/make-test-clips.sh')], { cwd: ROOT, stdio: 'inherit' });
  if (build) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', OUT], { cwd: ROOT, stdio: 'inherit' });
}

/** Serves dist-engines/ on PORT; returns { base, close }. */
export async function serve() {
  if (!fs.existsSync(path.join(ROOT, OUT, 'index.html'))) prepare();
  else if (!process.env.ENGINES_PREPARED) prepare({ build: false });
  const proc = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--outDir', OUT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const base = `http://localhost:${PORT}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`vite preview exited: ${log}`);
    try {
      if ((await fetch(base + '/')).ok) break;
    } catch {}
    if (i > 300) throw new Error(`vite preview did not answer on ${base}: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    async close() {
      // npx starts vite as a child: the whole group goes
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {}
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
    },
  };
}
