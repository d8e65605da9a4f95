// The left pane's choice (the A/B view): the original, its bicubic upscale, or any model of the
// session, the user's own included, live at the same zoom and frame as the right pane; and its PSNR.
import { useStore } from '../state/store';
import { fmtDb } from '../engine/metrics/stats';

/** The menu above the left pane, with the pane's caption. */
export function LeftPaneCaption({ inW, inH }: { inW: number; inH: number }) {
  const compare = useStore((s) => s.compare);
  const models = useStore((s) => s.models);
  const userModels = useStore((s) => s.userModels);
  const psnrMode = useStore((s) => s.psnrMode);
  const setCompare = useStore((s) => s.setCompare);
  const original = psnrMode === 'reference' ? 'model input (frame downscaled 4x)' : 'original';
  const size = compare === 'original' ? `${inW}×${inH}` : `${inW * 4}×${inH * 4}`;
  return (
    <>
      <select data-testid="left-pane" aria-label="left pane" value={compare} onChange={(e) => setCompare(e.target.value)} title="what the left pane shows beside the model's output">
        <option value="original">{original}</option>
        <option value="bicubic">bicubic 4x</option>
        {models.map((m) => (
          <option key={m} value={m}>
            {m}
            {userModels.includes(m) ? ' (yours)' : ''} 4x
          </option>
        ))}
      </select>{' '}
      {inW > 0 && size}
    </>
  );
}

/** The left pane's PSNR, in the same mode as the right's (none for the original). */
export function LeftStats() {
  const compare = useStore((s) => s.compare);
  const s = useStore((st) => st.stats);
  if (compare === 'original') return null;
  return (
    <div className="stats">
      <div>
        PSNR <span className="mode">{s.psnrMode}</span> <b data-testid="stat-psnr-left">{fmtDb(s.psnrLeft)}</b>
      </div>
    </div>
  );
}
