// Creates the one Engine for the page (outside React's render cycle; StrictMode-safe), gives it
// what it needs from the page (model files from our own origin, onnxruntime-web's runtime under
// /ort/), and exposes the test/debug hook on window.__sr.
import { Engine } from '../engine/engine';
import { configureOrt, ModelLoadError, pageThreads } from '../engine/inference';
import type { ModelAssets } from '../engine/models/models';
import { parseParams } from '../engine/params';
import { setEngine, useStore } from '../state/store';

let engine: Engine | null = null;
let started = false;

/** Model files and the manifest, from /models/ on this origin (never elsewhere: the CSP forbids it). */
export const pageAssets: ModelAssets = {
  async manifest() {
    const res = await fetch('/models/manifest.json');
    if (!res.ok) throw new Error(`models/manifest.json is missing (HTTP ${res.status})`);
    try {
      return await res.json();
    } catch {
      throw new Error('models/manifest.json is not valid JSON');
    }
  },
  async bytes(file) {
    const url = `/models/${file}`;
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new ModelLoadError(`model file ${url} could not be fetched: ${(e as Error).message}`);
    }
    if (!res.ok) throw new ModelLoadError(`model file ${url} is missing (HTTP ${res.status})`);
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.byteLength === 0) throw new ModelLoadError(`model file ${url} is empty`);
    return buf;
  },
  /** ?model=<path>.onnx (parseParams let only this origin's through; the CSP forbids others) */
  async url(href) {
    const res = await fetch(new URL(href, location.href));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.blob();
  },
};

export function getEngine(): Engine {
  if (!engine) {
    const params = parseParams(location.search, location.origin);
    // threaded WASM needs cross-origin isolation (SharedArrayBuffer): the headers in vite.config.ts
    configureOrt(new URL('/ort/', location.href).href, pageThreads());
    engine = new Engine(params, (p) => useStore.getState().apply(p), pageAssets);
    setEngine(engine);
    if (params.warnings.length) useStore.getState().apply({ notice: params.warnings.join('; ') });
    (window as unknown as { __sr: unknown }).__sr = { ...engine.debug(), engine };
  }
  return engine;
}

export function startEngine(original: HTMLCanvasElement, upscaled: HTMLCanvasElement): void {
  if (started) return;
  started = true;
  const e = getEngine();
  e.resizeCanvases();
  const params = parseParams(location.search);
  void e.start(original, upscaled).then(async () => {
    e.resizeCanvases();
    // a file dropped during start-up wins over the demo, whatever became of it (a refused
    // file's message stays on screen)
    if (!params.demo || e.drops.any) return;
    try {
      const res = await fetch('/demo.mp4');
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const blob = await res.blob();
      if (!e.drops.any) await e.load(blob, 'demo.mp4');
    } catch (err) {
      useStore.getState().apply({ notice: `demo clip not available (${(err as Error).message}); drop a video` });
    }
  });
}
