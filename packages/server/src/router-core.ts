import { errorFrame, type SwitchboardError } from '@switchboard/protocol';
import type { Engine } from '@switchboard/router';
import type { HubCounters } from './metrics-counters.ts';
import type { RouterConnection } from './router-link.ts';
import type { ResolvedRouterOptions } from './router-options.ts';
import type { SubscriptionRegistry } from './subscription-registry.ts';

/** @internal What the router's frame handlers share: made once, in the WSRouter constructor. */
export interface RouterCore {
  readonly engine: Engine;
  readonly subscriptions: SubscriptionRegistry;
  readonly options: ResolvedRouterOptions;
  /** The server's counters (replays, publish timings). */
  readonly counters: HubCounters;
}

/** @internal Acknowledges a client frame (nothing when it carried no id). */
export function ack(
  connection: RouterConnection,
  id: string | undefined,
  fields: Record<string, unknown>,
): void {
  if (id === undefined) return;
  connection.send({ type: 'ack', id, ok: true, ...fields });
}

/** @internal Answers a client frame the router could not carry out. */
export function fail(
  connection: RouterConnection,
  id: string | undefined,
  error: SwitchboardError,
): void {
  connection.send(errorFrame(error, id));
}
