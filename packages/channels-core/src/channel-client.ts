import {
  checkInteger,
  checkKnownOptions,
  ErrorCode,
  SwitchboardError,
  TypedEmitter,
  withDefaults,
} from '@switchboard/protocol';
import type { Channel } from './channel.ts';
import { ChannelSubscriptions } from './channel-subscriptions.ts';
import type {
  ChannelEvent,
  ChannelEvents,
  ChannelSpec,
  InputOf,
  KindOf,
  SubscribeOptions,
} from './channel-types.ts';
import { type HubClient, type HubEvent, metaOf } from './hub.ts';
import { type Settlement, waitForLast } from './wait-for-last.ts';

/** Options every channel client takes. */
export interface ChannelClientOptions {
  /**
   * Topics remembered for the duplicate check (a replayed retained value already seen is
   * not emitted twice). @default 10_000
   */
  maxTrackedTopics?: number;
}

export const CHANNEL_CLIENT_DEFAULTS = {
  maxTrackedTopics: 10_000,
} as const satisfies Required<ChannelClientOptions>;

/**
 * A channel over a hub client: subscribe one entity or all, unsubscribe, close; every event
 * of the channel's topics is validated with its kind's schema and emitted under its event
 * name and `<name>:<id>` with its `EventMeta`, or emitted as `error` when invalid. Works with
 * any object shaped like `WSClient`.
 *
 * A channel package extends it with its own names (`subscribeToAgent` calls `subscribeTo`)
 * and whatever else the channel does.
 */
export class ChannelClient<S extends ChannelSpec> extends TypedEmitter<ChannelEvents<S>> {
  protected readonly channel: Channel<S>;
  protected readonly hub: HubClient;
  readonly #subscriptions: ChannelSubscriptions;

  constructor(channel: Channel<S>, client: HubClient, options: ChannelClientOptions = {}) {
    super();
    const owner = new.target.name;
    checkKnownOptions(owner, options, Object.keys(CHANNEL_CLIENT_DEFAULTS));
    const { maxTrackedTopics } = withDefaults(CHANNEL_CLIENT_DEFAULTS, options);
    checkInteger(owner, 'maxTrackedTopics', maxTrackedTopics, { min: 1 });
    this.channel = channel;
    this.hub = client;
    this.#subscriptions = new ChannelSubscriptions(
      client,
      (event) => this.#onEvent(event),
      maxTrackedTopics,
    );
  }

  /** Subscribes to every entity: `<prefix>.*.<kind>` for each kind asked for. */
  async subscribeAll(options: SubscribeOptions<KindOf<S>> = {}): Promise<void> {
    const kinds = this.channel.selectKinds(options.kinds);
    await this.#subscriptions.add(
      kinds.map((kind) => this.channel.wildcard(kind)),
      options.since,
    );
  }

  async unsubscribeAll(): Promise<void> {
    await this.#subscriptions.remove(this.channel.kinds.map((kind) => this.channel.wildcard(kind)));
  }

  /** Unsubscribes everything this channel subscribed and removes its listener from the client. */
  async close(): Promise<void> {
    await this.#subscriptions.removeAll();
  }

  /** Subscribes to one entity's topics; INVALID_TOPIC naming the id field for a bad id. */
  protected async subscribeTo(
    id: string,
    options: SubscribeOptions<KindOf<S>> = {},
  ): Promise<void> {
    const kinds = this.channel.selectKinds(options.kinds);
    await this.#subscriptions.add(
      kinds.map((kind) => this.channel.pattern(id, kind)),
      options.since,
    );
  }

  protected async unsubscribeFrom(id: string): Promise<void> {
    await this.#subscriptions.remove(
      this.channel.kinds.map((kind) => this.channel.pattern(id, kind)),
    );
  }

  /** Entities subscribed to one by one (not through `subscribeAll`). */
  protected subscribedIds(): string[] {
    const ids = new Set<string>();
    for (const pattern of this.#subscriptions.patterns) {
      const parsed = this.channel.parseTopic(pattern) as Record<string, string> | undefined;
      const id = parsed?.[this.channel.idField];
      if (id !== undefined && id !== '*') ids.add(id);
    }
    return [...ids];
  }

  /** Checks and publishes an event through the hub client. */
  protected async publishEvent<K extends KindOf<S>>(kind: K, input: InputOf<S, K>): Promise<void> {
    await this.channel.publish(this.hub, kind, input);
  }

  /**
   * Waits for the newest event of `kinds` of one entity (see `waitForLast`): one published
   * before the call counts too. Events are validated like every event of the channel; an
   * invalid one is emitted as `error` and the wait goes on. A bad id rejects (INVALID_TOPIC),
   * and so does a bad `timeoutMs` (TypeError naming `owner`).
   */
  protected waitForEvent<K extends KindOf<S>, T>(
    where: { id: string; kinds: readonly K[]; subId?: string },
    options: { timeoutMs: number | undefined; what: string; owner: string },
    decide: (event: ChannelEvent<S, K>) => Settlement<T>,
  ): Promise<T> {
    let topics: string[];
    try {
      topics = where.kinds.map((kind) => this.channel.topic(where.id, kind, where.subId));
    } catch (error) {
      return Promise.reject(error);
    }
    return waitForLast<T>(this.hub, {
      topics,
      ...options,
      // Only the wait's own topics reach `decide`, so there is always an event of `kinds`.
      decide: (event) => decide(this.channel.parseEvent(event) as ChannelEvent<S, K>),
      onInvalid: (error) => this.#emit('error', error),
    });
  }

  #onEvent(event: HubEvent): void {
    let parsed: ChannelEvent<S> | undefined;
    try {
      parsed = this.channel.parseEvent(event);
    } catch (error) {
      this.#emit('error', SwitchboardError.from(error, ErrorCode.INVALID_MESSAGE));
      return;
    }
    if (parsed === undefined) return;
    const meta = metaOf(event);
    const name = this.channel.eventName(parsed.kind);
    this.#emit(name, parsed.payload, meta);
    this.#emit(`${name}:${parsed.id}`, parsed.payload, meta);
    const also = this.channel.alsoEmitted(parsed.kind, parsed.payload);
    if (also !== undefined) {
      this.#emit(also, parsed.payload, meta);
      this.#emit(`${also}:${parsed.id}`, parsed.payload, meta);
    }
  }

  /** `emit` without the per-event typing, which the event names computed above cannot carry. */
  #emit(name: string, ...args: unknown[]): void {
    (this.emit as (name: string, ...args: unknown[]) => boolean)(name, ...args);
  }
}
