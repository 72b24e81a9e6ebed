import type { HubClient, Since } from './hub.ts';

/**
 * Reference counts on the client's subscriptions. The hub client keeps one subscription per
 * pattern, not a count, so a waiter that unsubscribed on its way out would also end the
 * same subscription held by a `subscribeAll` or by another waiter. Counts are kept per client
 * object, shared by every channel of this package on that client.
 *
 * A pattern the client already wanted before the first lease (`client.subscriptions`) is not
 * ours: releasing it never unsubscribes.
 */
interface Lease {
  count: number;
  owned: boolean;
}

const registries = new WeakMap<HubClient, Map<string, Lease>>();

function registryOf(client: HubClient): Map<string, Lease> {
  let registry = registries.get(client);
  if (registry === undefined) {
    registry = new Map();
    registries.set(client, registry);
  }
  return registry;
}

/**
 * Takes a lease on each pattern and subscribes. On failure the leases stay taken: the caller
 * releases them (exactly once), as after success.
 */
export async function acquire(
  client: HubClient,
  patterns: readonly string[],
  since?: Since,
): Promise<void> {
  const registry = registryOf(client);
  for (const pattern of patterns) {
    const lease = registry.get(pattern);
    if (lease !== undefined) lease.count += 1;
    else registry.set(pattern, { count: 1, owned: client.subscriptions?.has(pattern) !== true });
  }
  await client.subscribe([...patterns], since === undefined ? {} : { since });
}

/** Gives the leases back; unsubscribes the patterns nobody holds any more. */
export async function release(client: HubClient, patterns: readonly string[]): Promise<void> {
  const registry = registryOf(client);
  const unused: string[] = [];
  for (const pattern of patterns) {
    const lease = registry.get(pattern);
    if (lease === undefined) continue;
    lease.count -= 1;
    if (lease.count > 0) continue;
    registry.delete(pattern);
    if (lease.owned) unused.push(pattern);
  }
  if (unused.length > 0) await client.unsubscribe(unused);
}
