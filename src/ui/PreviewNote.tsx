import { useEffect, useState } from 'react';
import { useStore } from '../state/store';

/** While the model works on a file's first frame (seconds on a slow device), the upscaled pane shows
 *  the bicubic upscale: say so, and for how long the model has been at it. */
export function PreviewNote() {
  const since = useStore((s) => s.previewSince);
  const status = useStore((s) => s.status);
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (since === null) return;
    const id = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(id);
  }, [since]);
  if (since === null) return null;
  const what = status === 'ready' ? 'upscaling the first frame' : 'loading the model';
  return (
    <span className="preview-note" data-testid="preview-note">
      bicubic preview · {what}: {(Math.max(0, now - since) / 1000).toFixed(1)} s
    </span>
  );
}
