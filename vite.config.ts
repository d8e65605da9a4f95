/// <reference types="vitest/config" />
// Vite config: React, cross-origin isolation + CSP headers on dev and preview, and two
// same-origin static trees the app needs at run time:
//   /models/  <- the top-level models/ folder (manifest.json + ONNX files; SR_MODELS_DIR overrides)
//   /ort/     <- onnxruntime-web's wasm runtime files (never a CDN)
// Both are served by a middleware in dev/preview and copied into dist/ on build.
import { defineConfig, type Plugin, type Connect } from 'vite';
import react from '@vitejs/plugin-react';
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

export default defineConfig({
  plugins: [react(), srAssets()],
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
