import { ErrorCode, matches, SwitchboardError } from '@switchboard/protocol';
import type { HubClient, HubEvent, HubPublishResult, HubRouter, Since } from '../hub.ts';

type EventListener = (event: HubEvent) => void;

/**
 * A hub in memory with the shapes a channel takes (`HubRouter`, `HubClient`): per-topic
 * sequence numbers, hub-wide offsets, the retained last value per topic and `since: 'last'`
 * replayed before the subscribe resolves, as the real hub does. channels-core depends on
 * protocol and zod only, so its tests cannot start a `WSServer`; the channel packages run
 * the same template through real sockets.
 */
export class MemoryHub implements HubRouter {
  readonly epoch = 'memory-epoch';
  readonly #clients = new Set<MemoryHubClient>();
  readonly #retained = new Map<string, HubEvent>();
  readonly #sequences = new Map<string, number>();
  #offset = 0;

  async publish(topic: string, data: unknown): Promise<HubPublishResult> {
    const sequenceNumber = (this.#sequences.get(topic) ?? 0) + 1;
    this.#sequences.set(topic, sequenceNumber);
    const event: HubEvent = {
      topic,
      data: structuredClone(data),
      sequenceNumber,
      offset: ++this.#offset,
      epoch: this.epoch,
      timestamp: Date.now(),
    };
    this.#retained.set(topic, event);
    for (const client of this.#clients) client.deliver(event);
    return { offset: event.offset, sequenceNumber, epoch: this.epoch };
  }

  connect(principal: { id: string } | null = null): MemoryHubClient {
    const client = new MemoryHubClient(this, principal);
    this.#clients.add(client);
    return client;
  }

  /** The retained last values matching `patterns`, oldest first. */
  retained(patterns: readonly string[]): HubEvent[] {
    return [...this.#retained.values()]
      .filter((event) => patterns.some((pattern) => matches(pattern, event.topic)))
      .sort((a, b) => a.offset - b.offset);
  }
}

export class MemoryHubClient implements HubClient {
  readonly subscriptions = new Set<string>();
  readonly principal: { id: string } | null;
  readonly #hub: MemoryHub;
  readonly #listeners: EventListener[] = [];

  constructor(hub: MemoryHub, principal: { id: string } | null) {
    this.#hub = hub;
    this.principal = principal;
  }

  async subscribe(topics: string | string[], options: { since?: Since } = {}): Promise<void> {
    const patterns = typeof topics === 'string' ? [topics] : topics;
    for (const pattern of patterns) this.subscriptions.add(pattern);
    if (options.since !== 'last') return;
    for (const event of this.#hub.retained(patterns)) this.#emit({ ...event, replay: true });
  }

  async unsubscribe(topics: string | string[]): Promise<void> {
    for (const pattern of typeof topics === 'string' ? [topics] : topics) {
      this.subscriptions.delete(pattern);
    }
  }

  publish(topic: string, data: unknown): Promise<HubPublishResult> {
    return this.#hub.publish(topic, data);
  }

  async request(method: string): Promise<unknown> {
    throw new SwitchboardError(ErrorCode.NOT_FOUND, `No route "${method}"`);
  }

  on(_event: 'event', listener: EventListener): this {
    this.#listeners.push(listener);
    return this;
  }

  off(_event: 'event', listener: EventListener): this {
    const index = this.#listeners.lastIndexOf(listener);
    if (index !== -1) this.#listeners.splice(index, 1);
    return this;
  }

  listenerCount(): number {
    return this.#listeners.length;
  }

  /** A published event: passed on once when any subscription matches, as the hub does. */
  deliver(event: HubEvent): void {
    for (const pattern of this.subscriptions) {
      if (matches(pattern, event.topic)) {
        this.#emit(event);
        return;
      }
    }
  }

  #emit(event: HubEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}
