import { useStore } from '../state/store';
import type { PsnrMode, ViewMode } from '../engine/params';
import { ExportDialog } from './ExportDialog';
import { Sound } from './Sound';

export function Controls() {
  const playing = useStore((s) => s.playing);
  const media = useStore((s) => s.media);
  const time = useStore((s) => s.time);
  const frameIndex = useStore((s) => s.frameIndex);
  const view = useStore((s) => s.view);
  const gain = useStore((s) => s.gain);
  const psnrMode = useStore((s) => s.psnrMode);
  const models = useStore((s) => s.models);
  const modelId = useStore((s) => s.modelId);
  const modelAuto = useStore((s) => s.modelAuto);
  const userModels = useStore((s) => s.userModels);
  const lens = useStore((s) => s.lens);
  const a = useStore.getState();
  const dur = media?.duration ?? 0;
  const video = media?.kind === 'video'; // a still image has nothing to play or seek
  return (
    <div className="controls">
      <button data-testid="play-toggle" onClick={a.togglePlay} disabled={!video} title="play / pause (space)">
        {playing ? 'Pause' : 'Play'}
      </button>
      <button data-testid="step" onClick={a.step} disabled={!video} title="one frame forward (→)">
        Step ▸|
      </button>
      <input
        type="range"
        data-testid="seek"
        aria-label="seek"
        min={0}
        max={dur || 1}
        step={0.001}
        value={Math.min(time, dur || 1)}
        disabled={!video}
        onChange={(e) => a.seek(Number(e.target.value))}
      />
      <button data-testid="lens" onClick={a.toggleLens} aria-pressed={!!lens} title="run the model only on the zoomed region, bicubic around it (L)">
        {lens ? 'Lens on' : 'Lens'}
      </button>
      <Sound />
      <ExportDialog />
      <span className="time">
        {time.toFixed(3)} / {dur.toFixed(3)} s · frame {frameIndex}
      </span>
      <label>
        view{' '}
        <select data-testid="view-mode" value={view} onChange={(e) => a.setView(e.target.value as ViewMode)}>
          <option value="full">Full</option>
          <option value="low">Low frequency</option>
          <option value="high">High frequency</option>
        </select>
      </label>
      <label className={view === 'high' ? '' : 'dim'}>
        gain{' '}
        <input type="range" data-testid="gain" min={0} max={5} step={0.5} value={Math.log2(gain)} onChange={(e) => a.setGain(2 ** Number(e.target.value))} />{' '}
        {gain}×
      </label>
      <label>
        PSNR{' '}
        <select data-testid="psnr-mode" value={psnrMode} onChange={(e) => a.setPsnrMode(e.target.value as PsnrMode)}>
          <option value="consistency">consistency (output ↓4 vs input)</option>
          <option value="reference">reference (video = ground truth)</option>
        </select>
      </label>
      {models.length > 1 && (
        <label>
          model{' '}
          <select data-testid="model" value={modelId} onChange={(e) => a.setModel(e.target.value)} title={modelAuto ? 'picked for this video on this device: a pick here is kept' : 'your pick: auto lets the player pick again'}>
            {/* the value stays the running model's: "auto" is a command, not a model */}
            <option value="auto">auto{modelAuto ? ' (on)' : ': let the player pick'}</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
                {userModels.includes(m) ? ' (yours)' : ''}
                {modelAuto && m === modelId ? ' · auto' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {models.length <= 1 && modelId && <span className="model">model {modelId}</span>}
    </div>
  );
}
