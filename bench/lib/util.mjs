// The few one-liners every benchmark script uses. Node built-ins only (the device has no node_modules).
import { readFileSync } from 'node:fs';

/** "a,b,c" (or the default) as a list, empty items dropped. */
export const list = (s, d) => (s ?? d).split(',').filter(Boolean);

/** `--key value` from argv; a bare `--key` is true; `d` when absent. */
export const makeOpt = (argv) => (k, d) => {
  const i = argv.indexOf(`--${k}`);
  return i < 0 ? d : argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : true;
};

/** Rounded to 3 decimals for the results files; null for null or non-finite. */
export const r3 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000);

/** CPU time (ms, user + system, every thread) this process has used so far, from /proc/self/stat
 *  (100 ticks/s); null where there is no /proc. On a software adapter the "GPU" is this process's
 *  threads, so CPU time per run measures the work even while other jobs share the cores and the
 *  wall clock swings. */
export function cpuMs() {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8');
    const p = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(p[11]) + Number(p[12])) * 10;
  } catch {
    return null;
  }
}
