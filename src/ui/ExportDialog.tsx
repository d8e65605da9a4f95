import { useEffect, useState } from 'react';
import type { ExportModelOption, ExportOffer } from '../engine/export';
import { CODEC_NAMES, type Container, type ExportContent, type ExportQuality } from '../engine/export/plan';
import { useStore } from '../state/store';

/** Export: the button, the dialog (what to write, with which model and what it will cost in time,
 *  container, codec, quality, what happens to the sound, all known before starting), and the
 *  progress with its Cancel. */
export function ExportDialog() {
  const media = useStore((s) => s.media);
  const exporting = useStore((s) => s.exporting);
  const status = useStore((s) => s.status);
  const models = useStore((s) => s.models);
  const [open, setOpen] = useState(false);
  const [content, setContent] = useState<ExportContent>('output');
  const [plan, setPlan] = useState<ExportOffer | null>(null);
  const [model, setModel] = useState('');
  const [container, setContainer] = useState<Container>('mp4');
  const [codec, setCodec] = useState<string>('');
  const [quality, setQuality] = useState<ExportQuality>('high');
  const a = useStore.getState();
  const still = media?.kind === 'image';

  useEffect(() => {
    if (!open) return;
    let live = true;
    setPlan(null);
    void a.exportPlan(content).then((p) => {
      if (!live || !p) return;
      setPlan(p);
      // the exporter's default (the best-scoring) until the user picks another that is still there
      setModel((cur) => (p.models.some((m) => m.id === cur) ? cur : (p.model ?? '')));
      // the first container with an encoder at this size, and its preferred codec
      const usable = p.containers.find((c) => c.container === container && c.codecs.length) ?? p.containers.find((c) => c.codecs.length);
      if (usable) {
        setContainer(usable.container);
        setCodec((cur) => (usable.codecs.includes(cur as never) ? cur : usable.codecs[0]));
      }
    });
    return () => {
      live = false;
    };
  }, [open, content, media, models]);

  if (exporting) {
    const pct = exporting.total ? (100 * exporting.done) / exporting.total : 0;
    return (
      <span className="export-progress" data-testid="export-progress">
        exporting: frame {exporting.done} of {exporting.total || '…'} · {exporting.fps.toFixed(1)} fps
        {exporting.etaS != null && ` · ${Math.ceil(exporting.etaS)} s left`}
        <progress max={100} value={pct} />
        <button data-testid="export-cancel" onClick={a.cancelExport}>
          Cancel
        </button>
      </span>
    );
  }
  const cp = plan?.containers.find((c) => c.container === container) ?? null;
  const chosen = plan?.models.find((m) => m.id === model) ?? null;
  const start = () => {
    setOpen(false);
    a.startExport({ model: model || undefined, content, container, codec: (codec || 'avc') as never, quality });
  };
  return (
    <>
      <button data-testid="export" disabled={!media || status !== 'ready'} onClick={() => setOpen(!open)} title="write the upscaled video (with its sound) to a file">
        Export…
      </button>
      {open && media && (
        <div className="export-dialog" role="dialog" aria-label="export" data-testid="export-dialog">
          <label>
            write{' '}
            <select data-testid="export-content" value={content} onChange={(e) => setContent(e.target.value as ExportContent)}>
              <option value="output">the 4x output</option>
              <option value="comparison">bicubic | model, side by side</option>
            </select>
          </label>
          {plan && plan.models.length > 0 && (
            <label>
              model{' '}
              <select data-testid="export-model" value={model} onChange={(e) => setModel(e.target.value)}>
                {plan.models.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.id} {modelNote(m, plan.model)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {chosen?.estimate && (
            <span data-testid="export-estimate" className={chosen.estimate.seconds === null ? 'dim' : ''}>
              {chosen.estimate.text}
            </span>
          )}
          {still ? (
            <span>as a PNG ({(content === 'comparison' ? 8 : 4) * media.width}×{4 * media.height})</span>
          ) : !plan ? (
            <span>asking this browser's encoders…</span>
          ) : (
            <>
              <span>
                {plan.width}×{plan.height}
              </span>
              <label>
                container{' '}
                <select data-testid="export-container" value={container} onChange={(e) => {
                  const c = plan.containers.find((x) => x.container === e.target.value)!;
                  setContainer(c.container);
                  setCodec(c.codecs[0] ?? '');
                }}>
                  {plan.containers.map((c) => (
                    <option key={c.container} value={c.container} disabled={!c.codecs.length}>
                      {c.container.toUpperCase()}
                      {!c.codecs.length && ' (no encoder at this size)'}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                codec{' '}
                <select data-testid="export-codec" value={codec} onChange={(e) => setCodec(e.target.value)}>
                  {cp?.codecs.map((c) => (
                    <option key={c} value={c}>
                      {CODEC_NAMES[c]}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                quality{' '}
                <select data-testid="export-quality" value={quality} onChange={(e) => setQuality(e.target.value as ExportQuality)}>
                  <option value="medium">medium</option>
                  <option value="high">high</option>
                  <option value="very-high">very high</option>
                </select>
              </label>
              {cp && cp.refused.length > 0 && (
                <small className="dim" data-testid="export-refused">
                  not at {plan.width}×{plan.height} on this browser: {cp.refused.map((c) => CODEC_NAMES[c]).join(', ')}
                </small>
              )}
              {cp && (
                <span data-testid="export-sound" className={cp.sound.action === 'none' && media.audio ? 'warn' : ''}>
                  sound: {cp.sound.text}
                </span>
              )}
            </>
          )}
          <small className="dim">playback pauses while exporting and goes on after</small>
          <button data-testid="export-start" disabled={!still && !(cp && cp.codecs.length)} onClick={start}>
            Start
          </button>
          <button onClick={() => setOpen(false)}>Close</button>
        </div>
      )}
    </>
  );
}

/** "(29.60 dB, best scoring)", "(29.57 dB, playing)", "(yours)". */
function modelNote(m: ExportModelOption, best: string | null): string {
  const parts = [m.score !== null ? `${m.score.toFixed(2)} dB` : null, m.id === best && m.score !== null ? 'best scoring' : null, m.playing ? 'playing' : null, m.user ? 'yours' : null];
  const s = parts.filter(Boolean).join(', ');
  return s ? `(${s})` : '';
}
