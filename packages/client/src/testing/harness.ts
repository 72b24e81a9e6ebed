import { afterEach } from 'vitest';
import type { ClientEvents } from '../events.ts';
import { WSClient } from '../index.ts';
import type { ClientOptions } from '../options.ts';
import { FakeHub, type FakeHubOptions } from './fake-hub.ts';

/** Fast reconnects so tests wait milliseconds, not seconds. */
export const FAST: Partial<ClientOptions> = {
  reconnectIntervalMs: 10,
  maxReconnectIntervalMs: 40,
  connectTimeoutMs: 5000,
};

/**
 * Creates hubs and clients for one test file and closes every one of them after each
 * test. Call at the top level of the file.
 */
export function harness() {
  const hubs: FakeHub[] = [];
  const clients: WSClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
    await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  });

  return {
    async hub(options: FakeHubOptions = {}): Promise<FakeHub> {
      const hub = await FakeHub.start(options);
      hubs.push(hub);
      return hub;
    },
    client(hub: FakeHub | string, options: Partial<ClientOptions> = {}): WSClient {
      const url = typeof hub === 'string' ? hub : hub.url;
      const client = new WSClient({ ...FAST, url, ...options });
      clients.push(client);
      return client;
    },
  };
}

type Payload<K extends keyof ClientEvents> = Parameters<ClientEvents[K]>[0];

/** Collects every payload of one event. */
export function record<K extends keyof ClientEvents & string>(
  client: WSClient,
  event: K,
): Payload<K>[] {
  const seen: Payload<K>[] = [];
  client.on(event, ((payload: Payload<K>) => seen.push(payload)) as ClientEvents[K]);
  return seen;
}

/** The next payload of one event. */
export function next<K extends keyof ClientEvents & string>(
  client: WSClient,
  event: K,
): Promise<Payload<K>> {
  return new Promise((resolve) => client.once(event, resolve as ClientEvents[K]));
}

/** The rejection of a promise that must reject (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
