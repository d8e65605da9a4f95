// The browser benchmarks' set-up (bench/browser/run.mjs, bench/wgsl-engine.mjs): the player's own
// Vite dev server (its vite.config.ts: the ORT alias, /models, /ort, the COOP/COEP headers) and
// headless Chromium with WebGPU on.
// env: CHROMIUM_PATH (default /usr/bin/chromium), BENCH_HEADED_GPU=1 (no SwiftShader flags: a real GPU)
//
// Playwright and Vite are imported when called, not at load: bench/wgsl-engine.mjs --dawn runs on
// the GPU machine, which has no node_modules.
import path from 'node:path';

/**
 * Starts the dev server (startServer) and launches Chromium. close() stops both.
 */
export async function startBrowser(root, options) {
  const { chromium } = await import('@playwright/test');
  const { base, vite, close: stop } = await startServer(root, options);
  const args = ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  if (!process.env.BENCH_HEADED_GPU) args.push('--use-angle=swiftshader', '--enable-features=Vulkan', '--use-vulkan=swiftshader');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
  return {
    base,
    browser,
    vite,
    async close() {
      await browser.close();
      await stop();
    },
  };
}

/** The dev server alone, on `port` or the next free one (another browser drives it). */
export async function startServer(root, { port, server = {}, ...vite }) {
  const { createServer } = await import('vite');
  const srv = await createServer({
    root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', ...vite,
    server: { port, strictPort: false, ...server },
  });
  await srv.listen();
  return { base: srv.resolvedUrls.local[0].replace(/\/$/, ''), vite: srv, close: () => srv.close() };
}
