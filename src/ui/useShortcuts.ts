import { useEffect } from 'react';
import { useStore } from '../state/store';

/** space: play/pause · →: step one frame · ←: one frame back · Home: start · 1/2/3: full/low/high · M: mute · L: lens */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' && (t as HTMLInputElement).type !== 'range' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      const s = useStore.getState();
      const fps = s.media?.fps ?? 30;
      switch (e.key) {
        case ' ':
          s.togglePlay();
          break;
        case 'ArrowRight':
          s.step();
          break;
        case 'ArrowLeft':
          if (s.playing) s.togglePlay();
          s.seek(Math.max(0, s.time - 1 / fps));
          break;
        case 'Home':
          s.seek(0);
          break;
        case '1':
          s.setView('full');
          break;
        case '2':
          s.setView('low');
          break;
        case '3':
          s.setView('high');
          break;
        case 'm':
        case 'M':
          s.toggleMute();
          break;
        case 'l':
        case 'L':
          s.toggleLens();
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
