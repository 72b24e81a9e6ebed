import { useSyncExternalStore } from 'react';
import { type ConnectionInfo, connectionStore } from './connection-store.ts';
import { useSwitchboard } from './provider.tsx';

/**
 * The client's connection state (`idle`, `connecting`, `connected`, `reconnecting`,
 * `closed`) with the reconnect attempt, the last error and how the last connection ended.
 * On a server it is `idle`.
 */
export function useConnectionStatus(): ConnectionInfo {
  const store = connectionStore(useSwitchboard());
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
}
