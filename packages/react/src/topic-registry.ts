import { acquire, release } from '@switchboard/channels-core';
import type { EventFrame, WSClient } from '@switchboard/client';
import {
  compilePattern,
  ErrorCode,
  SwitchboardError,
  type TopicMatcher,
} from '@switchboard/protocol';
import { DeferredRefCounts } from './deferred-ref-counts.ts';
import { perClient } from './per-client.ts';

export type Since = number | 'last';

/** Topics remembered per pattern for components that join a shared subscription late. */
export const MAX_RETAINED_TOPICS = 1_000;

/** What the registry tells the views (one per hook) that hold patterns. */
export interface TopicListener {
  readonly patterns: readonly string[];
  /** An event matched at least one of `patterns`. */
  event(event: EventFrame): void;
  /** A pattern's subscription failed or recovered. */
  stateChanged(): void;
}

interface Entry {
  readonly matcher: TopicMatcher;
  /** Asked for by the holders that arrived before the hub subscription was made. */
  since: Since | undefined;
  /** The `since` the hub subscription was made with. */
  subscribedSince: Since | undefined;
  error: SwitchboardError | undefined;
  /** The client was closed when we subscribed: try again on its next `connected`. */
  retry: boolean;
  /** The last event per topic, newest last: for late joiners that ask for `since`, and to drop repeats. */
  readonly lastByTopic: Map<string, EventFrame>;
}

/**
 * One per client: hub subscriptions shared by every hook on that client, counted per
 * pattern. The first holder of a pattern subscribes, the last one to leave unsubscribes,
 * both after the current pass of effects (see DeferredRefCounts), so StrictMode's
 * mount-unmount-mount sends one subscribe.
 *
 * On the wire the counts go through `@switchboard/channels-core`'s leases, the ones the
 * channel clients (AgentChannelClient...) keep on the same client: a hook unmounting never
 * ends a subscription a channel still holds, and the other way round.
 */
export class TopicRegistry {
  readonly #client: WSClient;
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<TopicListener>();
  readonly #counts = new DeferredRefCounts<string>({
    start: (pattern) => this.#subscribe(pattern),
    stop: (pattern) => this.#unsubscribe(pattern),
    idle: (pattern) => this.#entries.delete(pattern),
  });
  #offEvent: (() => void) | undefined;

  constructor(client: WSClient) {
    this.#client = client;
  }

  /** Starts delivering matching events to `listener` and holds its patterns. */
  attach(listener: TopicListener, since: Since | undefined): void {
    if (this.#listeners.size === 0) this.#listen();
    this.#listeners.add(listener);
    for (const pattern of listener.patterns) {
      let entry = this.#entries.get(pattern);
      if (entry === undefined) {
        entry = {
          matcher: compilePattern(pattern),
          since: undefined,
          subscribedSince: undefined,
          error: undefined,
          retry: false,
          lastByTopic: new Map(),
        };
        this.#entries.set(pattern, entry);
      }
      if (!this.#counts.isStarted(pattern)) entry.since = widerSince(entry.since, since);
      this.#counts.retain(pattern);
    }
  }

  detach(listener: TopicListener): void {
    if (!this.#listeners.delete(listener)) return;
    for (const pattern of listener.patterns) this.#counts.release(pattern);
    if (this.#listeners.size === 0) this.#unlisten();
  }

  /**
   * The events a late joiner asking for `since` missed: the last event per topic that the
   * shared subscription has seen (after `since` when it is an offset), oldest first. Empty
   * when the joiner's own subscribe will ask the hub.
   */
  backlog(patterns: readonly string[], since: Since | undefined): EventFrame[] {
    if (since === undefined) return [];
    const events = new Map<EventFrame, true>();
    for (const pattern of patterns) {
      if (!this.#counts.isStarted(pattern)) continue;
      const entry = this.#entries.get(pattern);
      for (const event of entry?.lastByTopic.values() ?? []) {
        if (since === 'last' || event.offset > since) events.set(event, true);
      }
    }
    return [...events.keys()].sort(byArrival);
  }

  /** The first error among these patterns' subscriptions (refused, timed out). */
  errorOf(patterns: readonly string[]): SwitchboardError | undefined {
    for (const pattern of patterns) {
      const error = this.#entries.get(pattern)?.error;
      if (error !== undefined) return error;
    }
    return undefined;
  }

  /** Holders per pattern right now; for tests and devtools. */
  holders(pattern: string): number {
    return this.#counts.count(pattern);
  }

  #subscribe(pattern: string): void {
    const entry = this.#entries.get(pattern);
    if (entry === undefined) return;
    entry.subscribedSince = entry.since;
    entry.since = undefined;
    this.#track(entry, acquire(this.#client, [pattern], entry.subscribedSince));
  }

  #unsubscribe(pattern: string): void {
    this.#entries.delete(pattern);
    // Nobody awaits this; a failure (the client closed meanwhile) leaves nothing to undo.
    release(this.#client, [pattern]).catch(() => undefined);
  }

  #track(entry: Entry, subscribed: Promise<unknown>): void {
    subscribed.then(
      () => this.#setState(entry, undefined, false),
      (error: unknown) => {
        const failure = SwitchboardError.from(error);
        // A closed client refuses at once; its next connect() brings the subscription back.
        const retry = failure.code === ErrorCode.NOT_CONNECTED;
        this.#setState(entry, retry ? undefined : failure, retry);
      },
    );
  }

  #setState(entry: Entry, error: SwitchboardError | undefined, retry: boolean): void {
    entry.retry = retry;
    if (entry.error === error) return;
    entry.error = error;
    for (const listener of this.#listeners) listener.stateChanged();
  }

  #listen(): void {
    const offEvent = this.#client.listen('event', (event) => this.#onEvent(event));
    const offConnected = this.#client.listen('connected', () => this.#onConnected());
    this.#offEvent = () => {
      offEvent();
      offConnected();
    };
  }

  #unlisten(): void {
    this.#offEvent?.();
    this.#offEvent = undefined;
  }

  #onConnected(): void {
    for (const [pattern, entry] of this.#entries) {
      if (!entry.retry || !this.#counts.isStarted(pattern)) continue;
      entry.retry = false;
      // The lease is still held from the first try; only the subscribe is repeated.
      const since = entry.subscribedSince;
      this.#track(entry, this.#client.subscribe(pattern, since === undefined ? {} : { since }));
    }
  }

  /**
   * Live events come once (the client drops repeats). A replayed one (a second `since`
   * subscribe on a pattern, e.g. a channel's) may repeat an offset a pattern has already
   * seen on its topic: it goes only to holders of patterns for which it is new.
   */
  #onEvent(event: EventFrame): void {
    const matched = new Set<string>();
    for (const [pattern, entry] of this.#entries) {
      if (!entry.matcher(event.topic)) continue;
      const retained = entry.lastByTopic;
      const known = retained.get(event.topic);
      if (known !== undefined && known.epoch === event.epoch && known.offset >= event.offset) {
        continue;
      }
      matched.add(pattern);
      retained.delete(event.topic);
      retained.set(event.topic, event);
      if (retained.size > MAX_RETAINED_TOPICS) {
        const oldest = retained.keys().next().value;
        if (oldest !== undefined) retained.delete(oldest);
      }
    }
    if (matched.size === 0) return;
    for (const listener of this.#listeners) {
      if (listener.patterns.some((pattern) => matched.has(pattern))) {
        listener.event(event);
      }
    }
  }
}

/**
 * Holders arriving together share one subscribe: an offset asks for more history than
 * `'last'`, and a smaller offset for more than a larger one.
 */
function widerSince(a: Since | undefined, b: Since | undefined): Since | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a === 'last') return b;
  if (b === 'last') return a;
  return Math.min(a, b);
}

function byArrival(a: EventFrame, b: EventFrame): number {
  return a.epoch === b.epoch ? a.offset - b.offset : a.timestamp - b.timestamp;
}

/** The registry of a client, shared by every provider and hook that uses that client. */
export const topicRegistry = perClient((client) => new TopicRegistry(client));
