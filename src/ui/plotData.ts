// What the live plots draw, read straight from the engine's session log: the last `spanS` seconds
// of frames, up to the newest (so a paused player's plot stays put instead of scrolling away). The
// window's two ends carry the budget alone, so its line spans the whole plot.
import type { SessionLog } from '../engine/metrics/sessionLog';

/** Series colours (the e2e test looks for them on the plot canvases). */
export const PLOT_COLORS = {
  frame: '#4fc3f7',
  model: '#ff9f43',
  budget: '#f0c060',
  dropped: '#ff3b3b',
  psnr: '#8fd18f',
  bicubic: '#c792ea',
} as const;

type Series = (number | null)[];

export interface PlotWindow {
  /** seconds from the session's start */
  x: number[];
  frameMs: Series;
  modelMs: Series;
  /** the video's frame budget (1000 / fps); null for a still */
  budget: Series;
  /** marks frames that followed dropped ones, at that frame's time */
  dropped: Series;
  psnr: Series;
  bicubic: Series;
  /** the x range shown */
  range: [number, number];
  /** frames dropped in the window */
  droppedCount: number;
}

const v = (x: number): number | null => (Number.isNaN(x) ? null : x);

export function plotWindow(log: SessionLog, spanS: number, fps: number | null): PlotWindow {
  const w: PlotWindow = { x: [], frameMs: [], modelMs: [], budget: [], dropped: [], psnr: [], bicubic: [], range: [0, spanS], droppedCount: 0 };
  if (log.end === log.first) return w;
  const endMs = log.wallMs(log.end - 1);
  const budget = fps && fps > 0 ? 1000 / fps : null;
  const end = endMs / 1000;
  w.range = [Math.max(0, end - spanS), Math.max(end, spanS)];
  const edge = (x: number) => {
    w.x.push(x);
    w.budget.push(budget);
    for (const s of [w.frameMs, w.modelMs, w.dropped, w.psnr, w.bicubic]) s.push(null);
  };
  edge(w.range[0]);
  const r = { wallMs: 0, frameMs: 0, modelMs: 0, dropped: 0, psnr: 0, bicubic: 0 };
  for (let id = log.indexAt(endMs - spanS * 1000); id < log.end; id++) {
    log.read(id, r);
    w.x.push(r.wallMs / 1000);
    w.frameMs.push(v(r.frameMs));
    w.modelMs.push(v(r.modelMs));
    w.budget.push(budget);
    // at the frame's own time, or at the budget while the frame is still in flight
    w.dropped.push(r.dropped > 0 ? (v(r.frameMs) ?? budget ?? 0) : null);
    w.droppedCount += r.dropped;
    w.psnr.push(v(r.psnr) === Infinity ? null : v(r.psnr));
    w.bicubic.push(v(r.bicubic) === Infinity ? null : v(r.bicubic));
  }
  edge(w.range[1]);
  return w;
}
