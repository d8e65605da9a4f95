import { useStore } from '../state/store';

/** Mute (M) and volume. The player starts muted: browsers refuse sound before a click. */
export function Sound() {
  const muted = useStore((s) => s.muted);
  const volume = useStore((s) => s.volume);
  const audio = useStore((s) => s.media?.audio ?? null);
  const a = useStore.getState();
  const silent = !audio ? 'this video has no sound' : !audio.decodable ? `this browser cannot play its sound (${audio.codec})` : null;
  return (
    <span className="sound">
      <button data-testid="mute" onClick={a.toggleMute} title={silent ?? (muted ? 'sound is off: click to hear it (M)' : 'mute (M)')} aria-pressed={muted}>
        {muted ? '🔇 Unmute' : '🔊 Mute'}
      </button>
      <input type="range" aria-label="volume" data-testid="volume" min={0} max={1} step={0.05} value={volume} disabled={muted} onChange={(e) => a.setVolume(Number(e.target.value))} />
      {silent && <small className="dim" data-testid="sound-note">{silent}</small>}
    </span>
  );
}
