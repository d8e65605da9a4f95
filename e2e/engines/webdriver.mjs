// A small W3C WebDriver client (HTTP, no dependencies) for WebKitWebDriver, with the same page
// interface as the Firefox driver (firefox.mjs): goto, eval, upload, click, select, shot.
// Our own rather than an npm client: the commands needed here are ten, and the clients' driver and
// browser managers (which fetch binaries) are of no use with Debian's driver.
import { spawn } from 'node:child_process';
import net from 'node:net';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Starts the driver (`command`: [program, ...args], e.g. xvfb-run -a WebKitWebDriver), with
 *  --port added, and opens a session with `capabilities`. */
export async function startWebDriver(command, capabilities, { env = process.env } = {}) {
  const port = await freePort();
  const [bin, ...args] = command;
  // a process group of its own: xvfb-run's Xvfb and the browser go with it
  const proc = spawn(bin, [...args, `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
  const kill = (sig) => {
    try {
      process.kill(-proc.pid, sig);
    } catch {}
  };
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    let res;
    try {
      res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new Error(`WebDriver ${method} ${path}: ${e.message}${e.cause ? ` (${e.cause.message})` : ''}; driver log: ${log.slice(-2000)}`);
    }
    const j = await res.json().catch(() => ({ value: { error: `HTTP ${res.status}`, message: 'not JSON' } }));
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${j.value?.error}: ${j.value?.message}`);
    return j.value;
  };
  for (let i = 0; ; i++) {
    try {
      await fetch(`${base}/status`);
      break;
    } catch {
      if (i > 100 || proc.exitCode !== null) throw new Error(`${command.join(' ')} did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let session;
  try {
    session = await call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
  } catch (e) {
    kill('SIGTERM');
    throw e;
  }
  const s = `/session/${session.sessionId}`;
  await call('POST', `${s}/timeouts`, { script: 600_000, pageLoad: 120_000, implicit: 15_000 });

  const find = async (css) => (await call('POST', `${s}/element`, { using: 'css selector', value: css }))[ELEMENT];
  const byTestId = (id) => find(`[data-testid="${id}"]`);
  // the script's result or its exception, as { ok } / { err } (a page exception is not a driver error)
  const WRAP = `const done = arguments[arguments.length - 1];
    Promise.resolve().then(() => (FN)(arguments[0])).then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ err: String(e && e.stack || e) }));`;
  const page = {
    name: 'webkit',
    version: session.capabilities.browserVersion,
    capabilities: session.capabilities,
    async goto(url) {
      await call('POST', `${s}/url`, { url });
    },
    async eval(fn, arg) {
      const r = await call('POST', `${s}/execute/async`, { script: WRAP.replace('FN', fn.toString()), args: [arg === undefined ? null : arg] });
      if (r && 'err' in r) throw new Error(`in the page: ${r.err}`);
      return r?.ok;
    },
    async upload(file) {
      await call('POST', `${s}/element/${await byTestId('file-input')}/value`, { text: file });
    },
    async click(testid) {
      await call('POST', `${s}/element/${await byTestId(testid)}/click`, {});
    },
    async select(testid, value) {
      await call('POST', `${s}/element/${await find(`[data-testid="${testid}"] option[value="${value}"]`)}/click`, {});
    },
    /** an element's PNG screenshot (base64): the composited pixels */
    async shot(testid) {
      return call('GET', `${s}/element/${await byTestId(testid)}/screenshot`);
    },
    async close() {
      await call('DELETE', s).catch(() => undefined);
      kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
    },
    driverLog: () => log,
  };
  return page;
}
