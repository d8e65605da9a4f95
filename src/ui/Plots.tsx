// Live plots beside the numbers: time per frame (with the video's frame budget and dropped frames)
// and PSNR per frame, over the last 10 s. uPlot draws them from the engine's session log in this
// component's own animation frame, at most ~15 times a second and only when the log changed: React
// renders this once (and again only when the video or PSNR mode changes), never per frame.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './plots.css';
import { useStore } from '../state/store';
import { getEngine } from './engineHost';
import { PLOT_COLORS as C, plotWindow } from './plotData';

const SPAN_S = 10;
const HEIGHT = 150;
const MIN_REDRAW_MS = 66;

const axis = (label: string): uPlot.Axis => ({
  label,
  stroke: '#999',
  grid: { stroke: '#2a2f37', width: 1 },
  ticks: { stroke: '#2a2f37', width: 1 },
  font: '11px system-ui, sans-serif',
  labelFont: '11px system-ui, sans-serif',
  labelSize: 16,
  size: 40,
});

// a frame without a figure (its timestamps lost, no PSNR taken) is a gap in the samples, not a
// drop to zero: the line joins its neighbours
const line = (label: string, stroke: string, more: Partial<uPlot.Series> = {}): uPlot.Series => ({ label, stroke, width: 1.5, spanGaps: true, points: { show: false }, ...more });

function chart(el: HTMLElement, title: string, series: uPlot.Series[], y: uPlot.Scale['range'], range: () => [number, number]): uPlot {
  const opts: uPlot.Options = {
    width: Math.max(200, el.clientWidth),
    height: HEIGHT,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, auto: false, range: () => range() }, y: { range: y } },
    axes: [axis('s'), axis(title)],
    series: [{}, ...series],
  };
  return new uPlot(opts, [[], ...series.map(() => [])], el);
}

/** Every frame shown in the session as CSV (sessionLog.ts says what each column holds). */
function downloadStats(): void {
  const blob = new Blob(getEngine().frames.sessionLog.csvParts(), { type: 'text/csv' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `sr4x-stats-${new Date().toISOString().slice(0, 19).replaceAll(':', '-')}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

export function Plots() {
  const timesEl = useRef<HTMLDivElement>(null);
  const psnrEl = useRef<HTMLDivElement>(null);
  const psnrPlot = useRef<uPlot | null>(null);
  const media = useStore((s) => s.media);
  const psnrMode = useStore((s) => s.psnrMode);

  useEffect(() => {
    if (!timesEl.current || !psnrEl.current) return;
    let range: [number, number] = [0, SPAN_S];
    const times = chart(
      timesEl.current,
      'ms',
      [
        line('frame', C.frame),
        line('model', C.model),
        line('budget', C.budget, { width: 1, dash: [6, 4] }),
        { label: 'dropped', stroke: C.dropped, paths: () => null, points: { show: true, size: 7, width: 1, stroke: C.dropped, fill: C.dropped } },
      ],
      (_u, _min, max) => [0, Math.max(1, (max ?? 1) * 1.1)],
      () => range,
    );
    const psnr = chart(
      psnrEl.current,
      'dB',
      // points where they are sparse enough to tell apart (uPlot's default): a PSNR may come for few frames
      [line('model', C.psnr, { points: {} }), line('bicubic', C.bicubic, { points: {} })],
      (_u, min, max) => (min == null || max == null ? [20, 40] : [Math.floor(min - 0.5), Math.ceil(max + 0.5)]),
      () => range,
    );
    psnrPlot.current = psnr;
    const resize = new ResizeObserver(() => {
      for (const [u, el] of [[times, timesEl.current], [psnr, psnrEl.current]] as const) if (el) u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT });
    });
    resize.observe(timesEl.current);

    let raf = 0, seen = -1, last = -Infinity;
    const tick = (now: number) => {
      raf = requestAnimationFrame(tick);
      const log = getEngine().frames.sessionLog;
      if (log.version === seen || now - last < MIN_REDRAW_MS) return;
      seen = log.version;
      last = now;
      const m = useStore.getState().media;
      const w = plotWindow(log, SPAN_S, m?.kind === 'video' ? m.fps : null);
      range = w.range;
      times.setData([w.x, w.frameMs, w.modelMs, w.budget, w.dropped]);
      psnr.setData([w.x, w.psnr, w.bicubic]);
    };
    raf = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(raf);
      resize.disconnect();
      times.destroy();
      psnr.destroy();
      psnrPlot.current = null;
    };
  }, []);

  // bicubic has a PSNR only in reference mode
  useEffect(() => psnrPlot.current?.setSeries(2, { show: psnrMode === 'reference' }), [psnrMode]);

  const fps = media?.kind === 'video' ? media.fps : 0;
  return (
    <section className="plots">
      <figure>
        <figcaption>
          time per frame, last {SPAN_S} s{fps > 0 && ` · budget ${(1000 / fps).toFixed(1)} ms at ${fps.toFixed(2)} fps`}
          <button data-testid="download-stats" onClick={downloadStats} title="every frame shown in this session, as CSV">
            Download stats
          </button>
        </figcaption>
        <div ref={timesEl} data-testid="plot-times" />
      </figure>
      <figure>
        <figcaption>
          PSNR per frame, {psnrMode}
          {psnrMode === 'reference' && ' (model and bicubic)'}
        </figcaption>
        <div ref={psnrEl} data-testid="plot-psnr" />
      </figure>
    </section>
  );
}
