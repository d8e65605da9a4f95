import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 5199);
const OUT = process.env.E2E_PORT ? `dist-e2e-${PORT}` : 'dist';

// Headless Debian Chromium with software WebGPU (SwiftShader): no shader-f16, seconds per 32x32
// frame, so the clips are tiny and tests run one at a time.
export default defineConfig({
  testDir: 'e2e',
  testIgnore: ['**/bench*'],
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1280, height: 800 },
    // The build's service worker would serve the page and its files from its cache, around
    // page.route() (several tests break or replace model files that way); e2e/offline.spec.ts
    // allows it and tests it.
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--enable-unsafe-webgpu',
        '--use-angle=swiftshader',
        '--enable-features=Vulkan',
        '--use-vulkan=swiftshader',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // The production build behind `vite preview` (strict CSP, COOP/COEP, /models and /ort copied into
  // dist/); E2E_DEV=1 tests the dev server instead. Another port (E2E_PORT) builds into its own
  // folder, so runs side by side do not overwrite each other's build.
  webServer: {
    command: process.env.E2E_DEV
      ? `npx vite --port ${PORT} --strictPort`
      : `npx vite build --logLevel warn --outDir ${OUT} && npx vite preview --port ${PORT} --strictPort --outDir ${OUT}`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
