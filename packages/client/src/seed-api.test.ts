import { describe, expect, it, vi } from 'vitest';
import { harness, next, record } from './testing/harness.ts';

const h = harness();

describe('the seed API on the client', () => {
  it('emits pong for the answer to a ping, with its id and ts', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    const pong = next(client, 'pong');
    const reply = await client.sendAndWait({ type: 'ping', ts: 1234 });
    expect(reply.type).toBe('pong');
    expect(await pong).toMatchObject({ type: 'pong', ts: 1234 });
  });

  it('emits pong for the heartbeat pings it sends itself', async () => {
    const hub = await h.hub();
    const client = h.client(hub, { heartbeatIntervalMs: 20 });
    await client.connect();
    const pong = await next(client, 'pong');
    expect(pong.type).toBe('pong');
    expect(typeof pong.ts).toBe('number');
  });

  it('emits an application message as message and message:<type>, as the server sent it', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    const messages = record(client, 'message');
    const notifications = record(client, 'message:notification');
    const errors = record(client, 'error');
    hub.broadcast({ type: 'message', data: { type: 'notification', data: { text: 'hi' } } });
    hub.broadcast({ type: 'message', data: [1, 2] });
    hub.broadcast({ type: 'message', data: 'plain' });
    await vi.waitFor(() => expect(messages).toHaveLength(3));
    expect(messages).toEqual([{ type: 'notification', data: { text: 'hi' } }, [1, 2], 'plain']);
    expect(notifications).toEqual([{ type: 'notification', data: { text: 'hi' } }]);
    expect(errors).toEqual([]);
  });

  it("publish(topic, data, false) is the seed's broadcast flag: every subscriber but this client", async () => {
    const hub = await h.hub();
    const publisher = h.client(hub);
    const other = h.client(hub);
    await Promise.all([publisher.connect(), other.connect()]);
    await Promise.all([publisher.subscribe('news.#'), other.subscribe('news.#')]);
    const own = record(publisher, 'event');
    const theirs = record(other, 'event');
    await publisher.publish('news.1', 'not for me', false);
    await publisher.publish('news.2', 'for everyone', true);
    await vi.waitFor(() => expect(theirs).toHaveLength(2));
    await vi.waitFor(() => expect(own).toHaveLength(1));
    expect(own.map((event) => event.data)).toEqual(['for everyone']);
    const frames = hub.framesOf(0).filter((frame) => frame.type === 'publish');
    expect(frames.map((frame) => frame.type === 'publish' && frame.echo)).toEqual([false, true]);
  });

  it('refuses a third argument that is neither options nor a boolean, loudly', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    const publish = client.publish as (t: string, d: unknown, o: unknown) => Promise<unknown>;
    await expect(publish.call(client, 'news.1', 1, 'yes')).rejects.toThrow(TypeError);
    await expect(publish.call(client, 'news.1', 1, { echo: 'no' })).rejects.toThrow(/echo/);
    expect(hub.framesOf(0).some((frame) => frame.type === 'publish')).toBe(false);
  });
});
