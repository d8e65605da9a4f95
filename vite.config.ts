/// <reference types="vitest/config" />
// Vite config: React, cross-origin isolation + CSP headers on dev and preview, and two
// same-origin static trees the app needs at run time:
//   /models/  <- the top-level models/ folder (manifest.json + ONNX files; SR_MODELS_DIR overrides)
//   /ort/     <- onnxruntime-web's wasm runtime files (never a CDN)
// Both are served by a middleware in dev/preview and copied into dist/ on build.
// The build also gets a service worker that caches all of it for offline use (offline() below).
import { defineConfig, type Plugin, type Connect } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);
const modelsDir = path.resolve(root, process.env.SR_MODELS_DIR ?? 'models');
const ortDir = path.resolve(root, 'node_modules/onnxruntime-web/dist');
const ortFile = /^ort-wasm-simd-threaded\.asyncify\.(wasm|mjs)$/;

/** Headers every response carries. COOP/COEP give crossOriginIsolated (SharedArrayBuffer for
 *  ORT's threaded WASM); the CSP keeps everything on our own origin. */
function securityHeaders(dev: boolean): Record<string, string> {
  const csp = [
    "default-src 'self'",
    // ORT compiles WebAssembly; Vite's dev server injects an inline React-refresh preamble.
    `script-src 'self' 'wasm-unsafe-eval'${dev ? " 'unsafe-inline'" : ''}`,
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
  ].join('; ');
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': csp,
  };
}

const mime: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
};

function serveDir(prefix: string, dir: string, allow: (name: string) => boolean): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = (req.url ?? '').split('?')[0];
    if (!url.startsWith(prefix)) return next();
    const name = decodeURIComponent(url.slice(prefix.length));
    if (name.includes('..') || name.includes('/') || !allow(name)) return next();
    const file = path.join(dir, name);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.statusCode = 404;
      res.end(`not found: ${url}`);
      return;
    }
    res.setHeader('Content-Type', mime[path.extname(name)] ?? 'application/octet-stream');
    res.setHeader('Cache-Control', 'no-cache');
    fs.createReadStream(file).pipe(res);
  };
}

function srAssets(): Plugin {
  let dev = true;
  const attach = (server: { middlewares: Connect.Server }) => {
    server.middlewares.use((_req, res, next) => {
      for (const [k, v] of Object.entries(securityHeaders(dev))) res.setHeader(k, v);
      next();
    });
    server.middlewares.use(serveDir('/models/', modelsDir, (n) => n === 'manifest.json' || n.endsWith('.onnx') || n.endsWith('.bin')));
    server.middlewares.use(serveDir('/ort/', ortDir, (n) => ortFile.test(n)));
  };
  return {
    name: 'sr-assets',
    configResolved(c) {
      dev = c.command === 'serve' && c.mode !== 'production';
    },
    configureServer(server) {
      dev = true;
      attach(server);
    },
    configurePreviewServer(server) {
      dev = false;
      attach(server);
    },
    writeBundle(options) {
      const out = options.dir ?? path.resolve(root, 'dist');
      fs.mkdirSync(path.join(out, 'ort'), { recursive: true });
      for (const f of fs.readdirSync(ortDir)) if (ortFile.test(f)) fs.copyFileSync(path.join(ortDir, f), path.join(out, 'ort', f));
      if (fs.existsSync(path.join(modelsDir, 'manifest.json'))) {
        fs.mkdirSync(path.join(out, 'models'), { recursive: true });
        for (const f of fs.readdirSync(modelsDir)) {
          if (f === 'manifest.json' || f.endsWith('.onnx') || f.endsWith('.bin')) fs.copyFileSync(path.join(modelsDir, f), path.join(out, 'models', f));
        }
      }
    },
  };
}

// Offline use and installing as an app (vite-plugin-pwa: Workbox's generateSW, no hand-written
// worker). The build's service worker precaches everything the player can load, so after one
// visit it runs with no network:
//   the app (index.html, JS, CSS, icons, the web manifest), onnxruntime-web's runtime (/ort/, 27 MB),
//   the demo clip (2 MB) and every model in models/ (manifest.json + ONNX + WGSL weights, 11 MB).
// Models are precached, not cached at run time: a model picked offline must already be there, and
// precache entries carry a content hash, so a new build fetches again only the files that changed
// and drops those it no longer has (a run-time cache would keep serving a stale model under an
// unchanged name). ~40 MB on the first visit, the runtime being two thirds of it.
// A cached response is the server's response, headers and all: COOP/COEP/CORP/CSP come back with
// it, so the page stays cross-origin isolated offline (e2e/offline.spec.ts checks).
// No service worker in dev (devOptions off): Vite's modules change under it.
function offline(): Plugin[] {
  return VitePWA({
    // a new version waits until the user takes it (a reload mid-video would cut it): src/ui/offline.ts
    registerType: 'prompt',
    injectRegister: false,
    // the icons are among globPatterns already
    includeManifestIcons: false,
    devOptions: { enabled: false },
    manifest: {
      name: 'SR4x player: real-time 4x video super-resolution',
      short_name: 'SR4x',
      description: 'Upscales a video 4x live in the browser, on your GPU; nothing leaves your machine.',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      background_color: '#111317',
      theme_color: '#111317',
      icons: [
        { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    workbox: {
      globPatterns: ['**/*.{html,js,css,png,webmanifest,mjs,wasm,onnx,bin,json,mp4}'],
      // onnxruntime-web's WASM runtime is 27 MB; room for larger models of your own
      maximumFileSizeToCacheInBytes: 128 * 2 ** 20,
      navigateFallback: 'index.html',
      // the first visit's page is served by the worker as soon as it is installed (a model switch
      // offline works without a reload); an update waits for the user (skipWaiting on their word)
      clientsClaim: true,
      cleanupOutdatedCaches: true,
    },
  });
}

export default defineConfig({
  plugins: [react(), srAssets(), offline()],
  resolve: {
    // The ORT build without an embedded loader: its .mjs/.wasm come from ort.env.wasm.wasmPaths
    // (/ort/ on our origin), also for the WASM threads' workers, and Vite emits no copy of its own.
    alias: [{ find: /^onnxruntime-web\/webgpu$/, replacement: path.join(ortDir, 'ort.webgpu.min.mjs') }],
  },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173 },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
