import { type ClientOptions, WSClient } from '@switchboard/client';
import { type EventFrame, matches, type SubscriptionOutcome } from '@switchboard/protocol';
import type { Random } from '../../src/index.ts';

/** An acknowledged publish, as the ack described it. */
export interface Acked {
  id: string;
  topic: string;
  offset: number;
  sequenceNumber: number;
}

/** A client given every node URL, starting at a seeded one, and what happened to it. */
export interface Observed {
  client: WSClient;
  name: string;
  patterns: string[];
  events: EventFrame[];
  resubscribes: SubscriptionOutcome[][];
  resyncs: unknown[];
  /** performance.now() of each `connected` after the first. */
  reconnectedAt: number[];
}

/** The node URLs rotated by a seeded amount: clients spread over the nodes. */
export function rotated(urls: readonly string[], random: Random): string[] {
  const start = random.int(urls.length);
  return [...urls.slice(start), ...urls.slice(0, start)];
}

export function observe(
  name: string,
  urls: readonly string[],
  patterns: string[],
  random: Random,
  options: Partial<ClientOptions> = {},
): Observed {
  const client = new WSClient({ ...options, url: rotated(urls, random), clientName: name });
  const observed: Observed = {
    client,
    name,
    patterns,
    events: [],
    resubscribes: [],
    resyncs: [],
    reconnectedAt: [],
  };
  client.on('event', (event) => observed.events.push(event));
  client.on('subscribed', ({ subscriptions, resubscribe }) => {
    if (resubscribe) observed.resubscribes.push(subscriptions);
  });
  client.on('resync-required', (info) => observed.resyncs.push(info));
  let connections = 0;
  client.on('connected', () => {
    connections += 1;
    if (connections > 1) observed.reconnectedAt.push(performance.now());
  });
  client.on('error', () => {});
  return observed;
}

/** The acked publishes one subscriber must get, in log order. */
export function expectedFor(subscriber: Observed, acked: readonly Acked[]): string[] {
  return acked
    .filter((a) => subscriber.patterns.some((pattern) => matches(pattern, a.topic)))
    .sort((x, y) => x.offset - y.offset)
    .map((a) => a.id);
}

/** Per topic, the sequence numbers a subscriber saw, which must only go up by one. */
export function sequencesByTopic(events: readonly EventFrame[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>();
  for (const event of events) {
    const list = byTopic.get(event.topic) ?? [];
    list.push(event.sequenceNumber);
    byTopic.set(event.topic, list);
  }
  return byTopic;
}
