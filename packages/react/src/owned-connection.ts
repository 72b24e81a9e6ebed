import { connectionStore } from './connection-store.ts';
import { DeferredRefCounts } from './deferred-ref-counts.ts';
import { perClient } from './per-client.ts';

/**
 * The connection of a client the provider made from `options`: connected while a provider
 * holding it is mounted, disconnected when the last one unmounts. Deferred like the topic
 * counts, so StrictMode's mount-unmount-mount opens one socket, not two.
 */
export const ownedConnection = perClient(
  (client) =>
    new DeferredRefCounts<'connection'>({
      start: () => {
        // A first connect that fails is not retried by the client; the status shows why.
        void connectionStore(client).connect();
      },
      stop: () => {
        client.disconnect().catch(() => undefined);
      },
    }),
);
