// npm run test:engines: the player in Firefox (Gecko) and WebKitGTK (Safari's engine), Debian's
// packages (firefox-esr, webkit2gtk-driver, xvfb), one browser at a time on one build.
//   node e2e/engines/run.mjs [files...]     (default: every *.test.mjs here)
// The fixtures and the build are made once here; the specs then serve that build (serve.mjs).
// env: FIREFOX_PATH, MINIBROWSER_PATH (the browsers), ENGINES_PORT (5401), ENGINES_KEEP=DIR (keeps
// each exported file there, for a look with ffprobe).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, prepare } from './serve.mjs';

const here = path.join(ROOT, 'e2e/engines');
const files = process.argv.slice(2).length ? process.argv.slice(2) : fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(here, f));
prepare();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, ENGINES_PREPARED: '1' },
});
process.exit(r.status ?? 1);
