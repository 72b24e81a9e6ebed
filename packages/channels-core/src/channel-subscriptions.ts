import { matches } from '@switchboard/protocol';
import type { HubClient, HubEvent, Since } from './hub.ts';
import { acquire, release } from './leases.ts';

/**
 * The subscriptions one channel client made, and the one `event` listener on the hub client
 * that serves them. The listener is attached only while the channel subscribes to something,
 * and it passes on only events of the channel's own patterns: events that reach the hub
 * client through other subscriptions (a waiter's, the application's) are not the channel's.
 *
 * Each event is passed on once: a retained value replayed by a later `since: 'last'`
 * subscribe (a waiter's, or a second `subscribeAll`) repeats an offset already seen on its
 * topic, and is skipped.
 *
 * Events are passed on in offset order per topic, history first. When history is asked for
 * (`since`) on a topic whose live events already reach the hub client (another channel or
 * the application subscribes to it), live events that come before the replay are held until
 * the subscribe is acked: the replay arrives before the ack, so the history goes out first
 * and the held events after it, and none is taken for a repeat of a later one.
 */
export class ChannelSubscriptions {
  readonly #client: HubClient;
  readonly #deliver: (event: HubEvent) => void;
  readonly #maxTrackedTopics: number;
  readonly #active = new Set<string>();
  /** Last offset delivered per topic, oldest-updated first, for the duplicate check. */
  readonly #lastOffset = new Map<string, number>();
  /** Patterns whose history was asked for and not yet acked, each with its count of calls. */
  readonly #recovering = new Map<string, number>();
  /** Live events on a recovering pattern, passed on once its subscribe is acked. */
  #held: HubEvent[] = [];
  #epoch: string | undefined;
  readonly #listener = (event: HubEvent) => this.#onEvent(event);
  #attached = false;

  constructor(client: HubClient, deliver: (event: HubEvent) => void, maxTrackedTopics: number) {
    this.#client = client;
    this.#deliver = deliver;
    this.#maxTrackedTopics = maxTrackedTopics;
  }

  get patterns(): ReadonlySet<string> {
    return this.#active;
  }

  /**
   * Subscribes the patterns not yet held. With `since`, patterns already held are asked for
   * their history again too (e.g. a dashboard refreshing its retained values).
   */
  async add(patterns: readonly string[], since?: Since): Promise<void> {
    const fresh = patterns.filter((pattern) => !this.#active.has(pattern));
    const held = patterns.filter((pattern) => this.#active.has(pattern));
    for (const pattern of fresh) this.#active.add(pattern);
    // Before subscribing: replayed events arrive before the subscribe is acked.
    this.#attach();
    const asked = since === undefined ? [] : [...fresh, ...held];
    this.#startRecovering(asked);
    try {
      if (fresh.length > 0) {
        try {
          await acquire(this.#client, fresh, since);
        } catch (error) {
          for (const pattern of fresh) this.#active.delete(pattern);
          await release(this.#client, fresh).catch(() => undefined);
          throw error;
        }
      }
      if (held.length > 0 && since !== undefined) await this.#client.subscribe(held, { since });
    } finally {
      this.#stopRecovering(asked);
      this.#detachIfIdle();
    }
  }

  async remove(patterns: readonly string[]): Promise<void> {
    const held = patterns.filter((pattern) => this.#active.delete(pattern));
    this.#detachIfIdle();
    if (held.length > 0) await release(this.#client, held);
  }

  async removeAll(): Promise<void> {
    await this.remove([...this.#active]);
  }

  #attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    this.#client.on('event', this.#listener);
  }

  #detachIfIdle(): void {
    if (this.#active.size > 0 || !this.#attached) return;
    this.#attached = false;
    this.#client.off('event', this.#listener);
  }

  #onEvent(event: HubEvent): void {
    if (!this.#wants(event.topic)) return;
    if (event.replay !== true && this.#isRecovering(event.topic)) {
      this.#held.push(event);
      return;
    }
    if (this.#isRepeat(event)) return;
    this.#deliver(event);
  }

  #startRecovering(patterns: readonly string[]): void {
    for (const pattern of patterns) {
      this.#recovering.set(pattern, (this.#recovering.get(pattern) ?? 0) + 1);
    }
  }

  /** The history of `patterns` is in: passes on the held events no other replay waits for. */
  #stopRecovering(patterns: readonly string[]): void {
    if (patterns.length === 0) return;
    for (const pattern of patterns) {
      const count = (this.#recovering.get(pattern) ?? 1) - 1;
      if (count > 0) this.#recovering.set(pattern, count);
      else this.#recovering.delete(pattern);
    }
    const held = this.#held;
    this.#held = [];
    for (const event of held) this.#onEvent(event);
  }

  #isRecovering(topic: string): boolean {
    for (const pattern of this.#recovering.keys()) if (matches(pattern, topic)) return true;
    return false;
  }

  #wants(topic: string): boolean {
    for (const pattern of this.#active) if (matches(pattern, topic)) return true;
    return false;
  }

  #isRepeat(event: HubEvent): boolean {
    if (event.epoch !== this.#epoch) {
      // A new hub log: offsets start again.
      this.#lastOffset.clear();
      this.#epoch = event.epoch;
    }
    const last = this.#lastOffset.get(event.topic);
    if (last !== undefined && event.offset <= last) return true;
    this.#lastOffset.delete(event.topic);
    this.#lastOffset.set(event.topic, event.offset);
    if (this.#lastOffset.size > this.#maxTrackedTopics) {
      const oldest = this.#lastOffset.keys().next().value;
      if (oldest !== undefined) this.#lastOffset.delete(oldest);
    }
    return false;
  }
}
