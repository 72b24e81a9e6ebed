import { CloseCode, ErrorCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';
import { RawPeer } from './test-support/raw-peer.ts';

const { hub, welcomed, track } = useHubFixture();

describe('garbage frames', () => {
  it('answers each with an error code and keeps the connection working', async () => {
    const { url, router } = await hub();
    const peer = await welcomed(url);
    const garbage: unknown[] = [
      'not json',
      '{"type":',
      '[]',
      'null',
      '42',
      JSON.stringify({ noType: true }),
      JSON.stringify({ type: 'launch-missiles', id: 'g1' }),
      JSON.stringify({ type: 'publish', id: 'g2', topic: 7, data: 1 }),
      JSON.stringify({ type: 'subscribe', id: 'g3', topics: 'a.b' }),
      JSON.stringify({ type: 'publish', id: 'x'.repeat(10_000), topic: 'a', data: 1 }),
      '{"type":"publish","id":"g4","topic":"a","data":1e400,"ack":"yes"}',
      '{"type":"subscribe","id":"g5","topics":["a"],"position":{"epoch":"e","offset":1e300}}',
      '{"__proto__":{"polluted":true},"type":"ping"}',
      Buffer.from([0xff, 0xfe, 0xfd]),
    ];
    for (const frame of garbage) peer.send(frame);
    peer.send({ type: 'ping', id: 'after' });
    await peer.next('pong', 'after');
    const errors = peer.frames.filter((f) => f.type === 'error');
    expect(errors).toHaveLength(garbage.length - 1); // the __proto__ ping is a valid ping
    const codeOf = (id: string) => errors.find((e) => 'id' in e && e.id === id)?.code;
    expect(codeOf('g2')).toBe(ErrorCode.INVALID_TOPIC);
    for (const error of errors.filter((e) => !('id' in e && e.id === 'g2'))) {
      expect(error).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    }
    const ids = errors.map((e) => ('id' in e ? e.id : undefined)).filter(Boolean);
    expect(ids).toEqual(['g1', 'g2', 'g3', 'g4', 'g5']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    peer.send({ type: 'subscribe', id: 's', topics: ['still.#'] });
    await peer.reply('s');
    await router.publish('still.alive', true);
    expect((await peer.next('event')).data).toBe(true);
  });

  it('refuses a message bigger than maxPayload with PAYLOAD_TOO_LARGE and close 1009', async () => {
    const { url } = await hub({ maxPayload: 1024 });
    const peer = await welcomed(url);
    peer.send({ type: 'publish', id: 'big', topic: 'a', data: 'x'.repeat(1500) });
    expect(await peer.next('error')).toMatchObject({ code: ErrorCode.PAYLOAD_TOO_LARGE });
    expect((await peer.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
  });

  it('closes with 1009 past the hard cap without buffering the message', async () => {
    const { url } = await hub({ maxPayload: 1024 });
    const peer = await welcomed(url);
    peer.send('x'.repeat(10_000));
    expect((await peer.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
  });
});

describe('ids and byte order marks', () => {
  it('echoes an id of 100 emoji in the ack of a valid frame and in the error of an invalid one', async () => {
    const { url } = await hub();
    const peer = await welcomed(url);
    const id = '😀'.repeat(100);
    peer.send({ type: 'publish', id, topic: 'ids.1', data: 1 });
    expect(await peer.reply(id)).toMatchObject({ type: 'ack' });
    const bad = '🎉'.repeat(100);
    peer.send({ type: 'publish', id: bad, topic: 'ids..1', data: 1 });
    expect(await peer.reply(bad)).toMatchObject({ type: 'error', code: ErrorCode.INVALID_TOPIC });
  });

  it('ignores a leading byte order mark in text frames as in binary ones', async () => {
    const { url } = await hub();
    const peer = await welcomed(url);
    peer.send(`\ufeff${JSON.stringify({ type: 'ping', id: 'text' })}`);
    peer.send(Buffer.from(`\ufeff${JSON.stringify({ type: 'ping', id: 'binary' })}`));
    await peer.next('pong', 'text');
    await peer.next('pong', 'binary');
    expect(peer.frames.filter((frame) => frame.type === 'error')).toEqual([]);
  });
});

describe('maxConnections', () => {
  it('refuses connections beyond the limit at upgrade with HTTP 503 and counts freed slots', async () => {
    const { url, server } = await hub({ maxConnections: 2 });
    const first = await welcomed(url);
    await welcomed(url);
    await expect(RawPeer.open(url)).rejects.toThrow('HTTP 503');
    expect(server.getConnectedClients()).toHaveLength(2);
    await first.close();
    await expect.poll(() => server.stats().connections).toBe(1);
    track(await RawPeer.open(url));
  });
});
