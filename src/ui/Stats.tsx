import { useStore } from '../state/store';
import { fmtDb, fmtMs } from '../engine/metrics/stats';

const CLOCK = {
  gpu: ['GPU clock', 'model time from GPU timestamps: frames overlap, nothing waits for it'],
  queue: ['queue wait', 'no timestamp-query on this device: the model is timed by waiting for the GPU queue'],
  cpu: ['CPU', 'the model runs on the CPU (WASM): wall-clock time'],
} as const;

/** Overlay on the upscaled view; values arrive from the engine at ~4 Hz. */
export function Stats() {
  const s = useStore((st) => st.stats);
  const lens = useStore((st) => st.lens);
  return (
    <div className="stats">
      {lens && (
        <div className="lens-label" data-testid="stat-lens" title="the model runs on this region only (plus its 17-pixel margin); bicubic around it">
          lens {lens.width}×{lens.height}
          {lens.held ? ' (on by itself while this device\'s model time is measured)' : lens.auto ? ' (on by itself: the frame cannot keep up)' : ''}: latency and PSNR are the lens's
        </div>
      )}
      <div>
        frame <b data-testid="stat-latency">{fmtMs(s.latencyAvg)}</b> <small>p95 {fmtMs(s.latencyP95)}</small>
      </div>
      <div>
        model <b data-testid="stat-model-latency">{fmtMs(s.modelAvg)}</b> <small>p95 {fmtMs(s.modelP95)}</small>
        {s.modelClock && (
          <small data-testid="stat-model-clock" title={CLOCK[s.modelClock][1]}>
            {' '}
            · {CLOCK[s.modelClock][0]}
          </small>
        )}
      </div>
      <div>
        <b data-testid="stat-fps">{s.fps.toFixed(1)}</b> fps <small data-testid="stat-dropped">{s.dropped} dropped</small>
      </div>
      <div>
        PSNR <span className="mode" data-testid="stat-psnr-mode">{s.psnrMode}</span> <b data-testid="stat-psnr">{fmtDb(s.psnr)}</b>
        {s.psnrMode === 'reference' && (
          <>
            {' '}
            · bicubic <b data-testid="stat-psnr-bicubic">{fmtDb(s.psnrBicubic)}</b>
          </>
        )}
      </div>
    </div>
  );
}
