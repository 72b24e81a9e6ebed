import { describe, expect, it } from 'vitest';
import { ChannelSubscriptions } from './channel-subscriptions.ts';
import type { HubClient, HubEvent, Since } from './hub.ts';

type Listener = (event: HubEvent) => void;

const event = (offset: number, replay = false): HubEvent => ({
  topic: 'agent.a.term.c1',
  data: { n: offset },
  sequenceNumber: offset,
  offset,
  epoch: 'e1',
  timestamp: 0,
  ...(replay ? { replay: true } : {}),
});

/**
 * A hub client whose subscribe runs a script: what the socket brings between sending the
 * subscribe frame and its ack. On a real socket a live event the hub sent just before it
 * read the subscribe frame arrives before the replay the frame asked for.
 */
class ScriptedClient implements HubClient {
  readonly subscriptions = new Set<string>();
  readonly #listeners: Listener[] = [];
  onSubscribe: (since: Since | undefined) => void | Promise<void> = () => undefined;

  async subscribe(topics: string | string[], options: { since?: Since } = {}): Promise<void> {
    for (const topic of typeof topics === 'string' ? [topics] : topics)
      this.subscriptions.add(topic);
    await this.onSubscribe(options.since);
  }
  async unsubscribe(): Promise<void> {}
  async publish(): Promise<unknown> {
    return undefined;
  }
  async request(): Promise<unknown> {
    return undefined;
  }
  on(_event: 'event', listener: Listener): this {
    this.#listeners.push(listener);
    return this;
  }
  off(_event: 'event', listener: Listener): this {
    this.#listeners.splice(this.#listeners.indexOf(listener), 1);
    return this;
  }
  emit(hubEvent: HubEvent): void {
    for (const listener of [...this.#listeners]) listener(hubEvent);
  }
}

describe('ChannelSubscriptions', () => {
  it('passes on the history first when a live event on the topic arrives before the replay', async () => {
    const client = new ScriptedClient();
    const seen: number[] = [];
    const subscriptions = new ChannelSubscriptions(client, (e) => seen.push(e.offset), 10);
    client.onSubscribe = (since) => {
      expect(since).toBe(0);
      // Another subscription on this client already brings the topic's live events.
      client.emit(event(5));
      for (let offset = 1; offset <= 5; offset++) client.emit(event(offset, true));
    };
    await subscriptions.add(['agent.a.term.c1'], 0);
    client.emit(event(6));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('holds live events only for the pattern whose history is asked for', async () => {
    const client = new ScriptedClient();
    const seen: string[] = [];
    const subscriptions = new ChannelSubscriptions(client, (e) => seen.push(e.topic), 10);
    await subscriptions.add(['other.topic']);
    client.onSubscribe = () => {
      client.emit({ ...event(7), topic: 'other.topic' });
      client.emit(event(8));
      client.emit(event(1, true));
    };
    await subscriptions.add(['agent.a.term.c1'], 0);
    expect(seen).toEqual(['other.topic', 'agent.a.term.c1', 'agent.a.term.c1']);
  });

  it('passes on what it held for patterns it still has when the subscribe fails', async () => {
    const client = new ScriptedClient();
    const seen: number[] = [];
    const subscriptions = new ChannelSubscriptions(client, (e) => seen.push(e.offset), 10);
    await subscriptions.add(['agent.#']);
    client.onSubscribe = () => {
      client.emit(event(3));
      throw new Error('FORBIDDEN');
    };
    await expect(subscriptions.add(['agent.a.term.c1'], 0)).rejects.toThrow('FORBIDDEN');
    expect(seen).toEqual([3]);
  });
});
