import type { Engine } from '@switchboard/router';
import type { ResolvedRouterOptions } from './router-options.ts';
import type { SubscriptionRegistry } from './subscription-registry.ts';

/** @internal What the router's frame handlers share: made once, in the WSRouter constructor. */
export interface RouterCore {
  readonly engine: Engine;
  readonly subscriptions: SubscriptionRegistry;
  readonly options: ResolvedRouterOptions;
}
