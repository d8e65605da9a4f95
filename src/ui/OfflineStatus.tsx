import { useStore } from '../state/store';

/** In the header: whether the player works offline, and a new version waiting to be taken. */
export function OfflineStatus() {
  const ready = useStore((s) => s.offlineReady);
  const update = useStore((s) => s.updateReady);
  return (
    <>
      {ready && (
        <span className="adapter" data-testid="offline-ready" title="the app, its runtime, the models and the demo are cached: no network needed">
          works offline
        </span>
      )}
      {update && (
        <button data-testid="update-reload" onClick={useStore.getState().applyUpdate} title="a new version is cached; reload into it">
          New version: reload
        </button>
      )}
    </>
  );
}
