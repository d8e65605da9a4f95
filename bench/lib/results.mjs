// What every results file in bench/results/ records about the run (bench/browser/run.mjs,
// bench/wgsl-engine.mjs), and writing one. Node built-ins only: bench/wgsl-engine.mjs --dawn also
// runs on the GPU machine, which has no node_modules.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * machine (BENCH_MACHINE or <hostname>-<n>cpu), date (ISO), cpu, commit (short HEAD; else the one
 * bench/gpu/pack.sh packed; else null), gpu ('swiftshader', the adapter's description, or null if none), pkg(name): the installed
 * version of a package in root/node_modules (null if absent).
 */
export function runInfo(root, adapter) {
  const machine = process.env.BENCH_MACHINE ?? `${os.hostname()}-${os.cpus().length}cpu`;
  const date = new Date().toISOString();
  const pkg = (n) => { try { return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', n, 'package.json'), 'utf8')).version; } catch { return null; } };
  let commit = null; try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch {}
  // the device machine's tree has no .git: bench/gpu/pack.sh recorded the commit it packed
  if (!commit) try { commit = JSON.parse(fs.readFileSync(path.join(root, '.device/bench/versions.json'), 'utf8')).commit ?? null; } catch {}
  const gpu = adapter == null ? null : /swiftshader/i.test(adapter) ? 'swiftshader' : adapter;
  const cpu = `${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}`;
  return { machine, date, cpu, commit, gpu, pkg };
}

/** Writes doc as JSON to file (making its folder) and logs where, with the seconds since t0. */
export function writeResults(root, file, doc, t0, log) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(doc, null, 1) + '\n');
  log(`wrote ${path.relative(root, file)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
