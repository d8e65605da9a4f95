// Creates the one Engine for the page (outside React's render cycle; StrictMode-safe) and exposes
// the test/debug hook on window.__sr.
import { Engine } from '../engine/engine';
import { parseParams } from '../engine/params';
import { setEngine, useStore } from '../state/store';

let engine: Engine | null = null;
let started = false;

export function getEngine(): Engine {
  if (!engine) {
    const params = parseParams(location.search);
    engine = new Engine(params, (p) => useStore.getState().apply(p));
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
    if (!params.demo || useStore.getState().media) return;
    try {
      const res = await fetch('/demo.mp4');
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (!useStore.getState().media) await e.load(await res.blob(), 'demo.mp4');
    } catch (err) {
      useStore.getState().apply({ notice: `demo clip not available (${(err as Error).message}); drop a video` });
    }
  });
}
