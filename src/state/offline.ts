// The offline slice: what the service worker reports (src/ui/offline.ts registers it; the build
// makes it: offline() in vite.config.ts). Dev has no worker, and these stay false.
export interface OfflineSlice {
  /** everything the player loads is cached: it works with no network from now on */
  offlineReady: boolean;
  /** a new version is installed and waits for the user (a reload mid-video would cut it) */
  updateReady: boolean;
  /** takes the waiting version: its worker takes over and the page reloads into it */
  applyUpdate: () => void;
}

let update: (() => Promise<void>) | null = null;
export const setUpdater = (u: () => Promise<void>) => {
  update = u;
};

/** Its state and action; the worker's reports reach it through the store's setState. */
export const offlineSlice = (): OfflineSlice => ({
  offlineReady: false,
  updateReady: false,
  applyUpdate: () => void update?.(),
});
