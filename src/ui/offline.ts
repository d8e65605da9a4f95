/// <reference types="vite-plugin-pwa/client" />
// Registers the build's service worker (offline() in vite.config.ts) and reports to the store. In dev the virtual
// module is a no-op: no worker.
import { registerSW } from 'virtual:pwa-register';
import { setUpdater } from '../state/offline';
import { useStore } from '../state/store';

export function registerOffline(): void {
  const ready = () => useStore.setState({ offlineReady: true });
  setUpdater(
    registerSW({
      onOfflineReady: ready,
      // a worker already active (a later visit) has its cache complete: it installs only then
      onRegisteredSW: (_url, r) => void (r?.active && ready()),
      onNeedRefresh: () => useStore.setState({ updateReady: true }),
      onRegisterError: (e) => console.info('[sr4x] no offline cache:', e instanceof Error ? e.message : e),
    }),
  );
}
