import type { WSClient } from '@switchboard/client';

/**
 * A lazily made object per client, shared by every provider and hook on that client and
 * dropped with it: `perClient((client) => new Store(client))`.
 */
export function perClient<T>(create: (client: WSClient) => T): (client: WSClient) => T {
  const made = new WeakMap<WSClient, T>();
  return (client) => {
    let value = made.get(client);
    if (value === undefined) {
      value = create(client);
      made.set(client, value);
    }
    return value;
  };
}
