import { SwitchboardError } from '@switchboard/client';
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
        const store = connectionStore(client);
        const connecting = client.connect();
        store.refresh();
        // The client does not retry a first connect that fails; the status shows why.
        connecting.catch((error: unknown) => store.connectFailed(SwitchboardError.from(error)));
      },
      stop: () => {
        client.disconnect().catch(() => undefined);
      },
    }),
);
