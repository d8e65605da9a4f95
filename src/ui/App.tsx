import { useEffect, useRef } from 'react';
import { useStore } from '../state/store';
import { getEngine, startEngine } from './engineHost';
import { Controls } from './Controls';
import { Plots } from './Plots';
import { OfflineStatus } from './OfflineStatus';
import { PreviewNote } from './PreviewNote';
import { Stats } from './Stats';
import { DropZone } from './DropZone';
import { ErrorBanner } from './ErrorBanner';
import { LeftPaneCaption, LeftStats } from './LeftPane';
import { useShortcuts } from './useShortcuts';

export function App() {
  const original = useRef<HTMLCanvasElement>(null);
  const upscaled = useRef<HTMLCanvasElement>(null);
  const backend = useStore((s) => s.backend);
  const backendNote = useStore((s) => s.backendNote);
  const modelNote = useStore((s) => s.modelNote);
  const adapter = useStore((s) => s.adapter);
  const engineName = useStore((s) => s.engine);
  const media = useStore((s) => s.media);
  const status = useStore((s) => s.status);
  const psnrMode = useStore((s) => s.psnrMode);
  useShortcuts();

  useEffect(() => {
    if (!original.current || !upscaled.current) return;
    startEngine(original.current, upscaled.current);
    const ro = new ResizeObserver(() => getEngine().resizeCanvases());
    ro.observe(original.current);
    ro.observe(upscaled.current);
    return () => ro.disconnect();
  }, []);

  const w = media?.width ?? 0, h = media?.height ?? 0;
  const inW = psnrMode === 'reference' ? Math.floor(w / 4) : w, inH = psnrMode === 'reference' ? Math.floor(h / 4) : h;
  return (
    <div className="app" data-testid="app">
      <header>
        <h1>SR4x player</h1>
        <span className="backend">
          backend <b data-testid="stat-backend">{backend}</b>
          {adapter && <span className="adapter"> on {adapter}</span>}
          {engineName && (
            <>
              {' '}
              · engine <b data-testid="stat-engine">{engineName}</b>
            </>
          )}
        </span>
        {backendNote && <span className="note" data-testid="backend-note">{backendNote}</span>}
        {modelNote && (
          <span className="note" data-testid="model-note" title="the model the player picked for this video on this device (pick one in the model menu to keep it)">
            model {modelNote}
          </span>
        )}
        <OfflineStatus />
        <span className="status">{status === 'loading' ? 'loading model…' : status === 'starting' ? 'starting…' : ''}</span>
      </header>
      <ErrorBanner />
      <DropZone>
        <div className="views">
          <figure>
            <figcaption>
              <LeftPaneCaption inW={inW} inH={inH} />
            </figcaption>
            <canvas ref={original} data-testid="video-original" />
            <LeftStats />
          </figure>
          <figure>
            <figcaption>
              upscaled 4x {inW > 0 && `${inW * 4}×${inH * 4}`} <PreviewNote />
            </figcaption>
            <canvas ref={upscaled} data-testid="video-upscaled" />
            <Stats />
          </figure>
        </div>
      </DropZone>
      <Plots />
      <Controls />
      <footer>
        {media
          ? `${media.name} · ${media.width}×${media.height} · ${media.kind === 'image' ? 'still' : `${media.fps.toFixed(2)} fps`} · ${media.codec}`
          : 'no video'}
        {' · '}
        <span className="hint-mouse">wheel: zoom, drag: pan, double-click: reset</span>
        <span className="hint-touch" data-testid="touch-hint">pinch: zoom, drag: pan, double-tap: reset</span>
        <span className="keys"> · keys: space play/pause, → step, ← back, Home start, 1/2/3 full/low/high, M sound, L lens</span>
      </footer>
    </div>
  );
}
