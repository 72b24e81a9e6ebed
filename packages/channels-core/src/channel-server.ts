import type { Channel } from './channel.ts';
import type { ChannelSpec, InputOf, KindOf } from './channel-types.ts';
import type { HubPublishResult, HubRouter } from './hub.ts';

/**
 * A channel's publisher on the hub's side: each event is checked with its kind's schema,
 * gets `at` when it has none, and goes to exactly one topic. A channel package extends it
 * with one named method per kind (`publishCreated` calls `publishEvent('created', ...)`).
 */
export class ChannelServer<S extends ChannelSpec> {
  protected readonly channel: Channel<S>;
  protected readonly router: HubRouter;

  constructor(channel: Channel<S>, router: HubRouter) {
    this.channel = channel;
    this.router = router;
  }

  /** Checks the ids and the payload (naming the bad field), then publishes to its topic. */
  protected publishEvent<K extends KindOf<S>>(
    kind: K,
    input: InputOf<S, K>,
  ): Promise<HubPublishResult> {
    return this.channel.publish(this.router, kind, input);
  }
}
