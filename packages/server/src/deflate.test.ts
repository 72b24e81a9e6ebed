import { randomBytes } from 'node:crypto';
import { WSClient } from '@switchboard/client';
import { CloseCode, ErrorCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { acceptableOffers } from './deflate-offers.ts';
import { resolveDeflateOptions } from './deflate-options.ts';
import { rawSocketOf } from './raw-socket.ts';
import { useHubFixture } from './test-support/fixture.ts';
import { RawPeer } from './test-support/raw-peer.ts';
import { trackedWebSocket } from './test-support/tracked-socket.ts';
import { WSServer } from './ws-server.ts';

const { hub, track } = useHubFixture();

/** A welcomed peer that offers permessage-deflate (or not), counting the bytes it reads. */
async function peer(url: string, deflate: boolean | object = true) {
  const p = track(await RawPeer.open(url, { perMessageDeflate: deflate as never }));
  let bytes = 0;
  rawSocketOf(p.socket)!.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  p.send({ type: 'hello', versions: [1] });
  await p.next('welcome');
  return {
    p,
    /** Bytes read from the TCP socket since the last call. */
    read(): number {
      const n = bytes;
      bytes = 0;
      return n;
    },
  };
}

/** JSON data that compresses well: about `size` bytes of repeated text. */
const compressible = (size: number) => 'agent status ok; '.repeat(Math.ceil(size / 17));

describe('perMessageDeflate', () => {
  it('is off by default: an offer gets no extension', async () => {
    const { url } = await hub();
    const { p } = await peer(url);
    expect(p.socket.extensions).toBe('');
  });

  it('negotiates no server context takeover and, by default, none for the client', async () => {
    const { url } = await hub({ perMessageDeflate: true });
    const { p } = await peer(url);
    expect(p.socket.extensions).toMatch(/^permessage-deflate/);
    expect(p.extensionsHeader).toContain('server_no_context_takeover');
    expect(p.extensionsHeader).toContain('client_no_context_takeover');
    expect(p.extensionsHeader).toContain('server_max_window_bits=15');
  });

  it('round-trips compressed publishes and events; a peer without it gets the same event uncompressed', async () => {
    const { url } = await hub({ perMessageDeflate: true });
    const deflating = await peer(url);
    const plain = await peer(url, false);
    for (const { p } of [deflating, plain]) {
      p.send({ type: 'subscribe', id: 's', topics: ['dash.#'] });
      await p.reply('s');
    }
    const data = { text: compressible(20_000), small: 1 };
    deflating.read();
    plain.read();
    // The publisher's frame is compressed by ws's client (threshold 1024 by default).
    deflating.p.send({ type: 'publish', id: 'p1', topic: 'dash.big', data });
    expect(await deflating.p.reply('p1')).toMatchObject({ type: 'ack' });
    expect((await deflating.p.next('event')).data).toEqual(data);
    expect((await plain.p.next('event')).data).toEqual(data);
    expect(deflating.read()).toBeLessThan(2_000);
    expect(plain.read()).toBeGreaterThan(20_000);
    // Under the threshold a message goes uncompressed, and still arrives.
    deflating.p.send({ type: 'publish', id: 'p2', topic: 'dash.small', data: 'x' });
    expect((await deflating.p.next('event')).data).toBe('x');
  });

  it('compresses replies, server sends and replayed history', async () => {
    const { url, server, router } = await hub({ perMessageDeflate: { threshold: 100 } });
    const first = await router.publish('hist.a', compressible(5_000));
    await router.publish('hist.b', compressible(6_000));
    const { p, read } = await peer(url);
    read();
    p.send({
      type: 'subscribe',
      id: 's',
      topics: ['hist.#'],
      position: { epoch: first.epoch, offset: first.offset - 1 },
    });
    expect(await p.reply('s')).toMatchObject({ type: 'ack' });
    const replayed = [await p.next('event'), await p.next('event')];
    expect(replayed.map((e) => (e.data as string).length)).toEqual([
      compressible(5_000).length,
      compressible(6_000).length,
    ]);
    const id = server.getConnectedClientIds()[0]!;
    expect(server.sendMessage(id, { type: 'note', data: compressible(4_000) })).toBe(true);
    expect(await p.next('message')).toMatchObject({ data: { data: compressible(4_000) } });
    expect(read()).toBeLessThan(3_000);
  });

  it('compresses with the window it negotiated (serverMaxWindowBits)', async () => {
    const { url, router } = await hub({
      perMessageDeflate: { serverMaxWindowBits: 9, clientNoContextTakeover: false },
    });
    const { p } = await peer(url);
    expect(p.extensionsHeader).toContain('server_max_window_bits=9');
    expect(p.extensionsHeader).not.toContain('client_no_context_takeover');
    p.send({ type: 'subscribe', id: 's', topics: ['w.#'] });
    await p.reply('s');
    // A 2 KiB random block repeated: matches 2 KiB back, past a 512-byte window.
    const block = randomBytes(1_536).toString('hex');
    const data = block.repeat(8);
    await router.publish('w.x', data);
    expect((await p.next('event')).data).toBe(data);
  });

  it('connects a client whose offer it cannot accept uncompressed, where ws would answer 400', async () => {
    const { url } = await hub({ perMessageDeflate: { clientMaxWindowBits: 12 } });
    // No client_max_window_bits in the offer: the hub cannot bound the client's window.
    const fixed = await peer(url, { clientMaxWindowBits: false });
    expect(fixed.p.extensionsHeader).toBe('');
    const bounded = await peer(url);
    expect(bounded.p.extensionsHeader).toContain('client_max_window_bits=12');
    const { url: other } = await hub({ perMessageDeflate: true });
    // A server window smaller than the hub's 15 bits.
    const small = await peer(other, { serverMaxWindowBits: 10 });
    expect(small.p.extensionsHeader).toBe('');
    small.p.send({ type: 'publish', id: 'p', topic: 'a', data: compressible(5_000) });
    expect(await small.p.reply('p')).toMatchObject({ type: 'ack' });
  });

  it('drops the oldest compressed events of a stalled consumer, which recovers them from history', async () => {
    const { url, router } = await hub(
      { perMessageDeflate: { threshold: 0 } },
      { queueSize: 50, queueBytes: 64 * 1024, history: { historySize: 10_000 } },
    );
    const tracked = trackedWebSocket();
    const slow = new WSClient({ url, WebSocket: tracked.WebSocket, messageTimeoutMs: 60_000 });
    try {
      await slow.connect();
      await slow.subscribe(['burst.#']);
      const seen: number[] = [];
      slow.on('event', (event) => seen.push((event.data as { i: number }).i));
      const dropped: number[] = [];
      router.on('message-dropped', (info) => dropped.push(info.offset));
      tracked.tcp().pause();
      // Half random (incompressible), half repeated: each event compresses to about half.
      const total = 1_500;
      for (let i = 0; i < total; i++) {
        await router.publish('burst.a', {
          i,
          noise: randomBytes(1_024).toString('hex'),
          text: compressible(2_048),
        });
      }
      expect(dropped.length).toBeGreaterThan(0);
      tracked.tcp().resume();
      await expect.poll(() => seen.length, { timeout: 30_000 }).toBe(total);
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
    } finally {
      await slow.disconnect();
    }
  });

  it('refuses a small compressed frame that inflates past the cap with 1009, and the hub goes on', async () => {
    const { url } = await hub({ maxPayload: 1_024, perMessageDeflate: true });
    const bomb = await peer(url, { threshold: 0 });
    // 1 MB of one character deflates to about 1 KB: within the cap on the wire, far past it inflated.
    bomb.p.send(`{"type":"publish","id":"b","topic":"a","data":"${'x'.repeat(1_000_000)}"}`);
    expect((await bomb.p.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
    const next = await peer(url);
    next.p.send({ type: 'publish', id: 'after', topic: 'a', data: 1 });
    expect(await next.p.reply('after')).toMatchObject({ type: 'ack' });
  });

  it('answers a compressed message between maxPayload and the cap with PAYLOAD_TOO_LARGE', async () => {
    const { url } = await hub({ maxPayload: 1_024, perMessageDeflate: true });
    const { p } = await peer(url, { threshold: 0 });
    p.send({ type: 'publish', id: 'big', topic: 'a', data: 'x'.repeat(1_500) });
    expect(await p.next('error')).toMatchObject({ code: ErrorCode.PAYLOAD_TOO_LARGE });
    expect((await p.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
  });

  it('bounds what an unauthenticated client may inflate by preAuthBytes', async () => {
    const { url } = await hub({ preAuthBytes: 1_024, perMessageDeflate: true });
    const p = track(await RawPeer.open(url, { perMessageDeflate: { threshold: 0 } as never }));
    p.send({ type: 'hello', versions: [1], token: 'x'.repeat(100_000) });
    expect((await p.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
  });

  it('refuses bad settings', () => {
    const bad: unknown[] = [
      'yes',
      { level: 10 },
      { serverMaxWindowBits: 8 },
      { clientMaxWindowBits: 16 },
      { threshold: -1 },
      { memLevel: 0 },
      { clientNoContextTakeover: 1 },
      { serverNoContextTakeover: false },
    ];
    for (const value of bad) {
      expect(() => new WSServer({ perMessageDeflate: value as never })).toThrow(
        /perMessageDeflate/,
      );
    }
  });
});

describe('acceptableOffers', () => {
  const settings = resolveDeflateOptions('test', true)!;

  it('keeps the permessage-deflate offers ws can accept, and drops the others', () => {
    expect(acceptableOffers('permessage-deflate; client_max_window_bits', settings)).toBe(
      'permessage-deflate; client_max_window_bits',
    );
    expect(
      acceptableOffers(
        'x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=10, permessage-deflate',
        settings,
      ),
    ).toBe('permessage-deflate');
    for (const bad of [
      'permessage-deflate; server_max_window_bits',
      'permessage-deflate; client_max_window_bits=16',
      'permessage-deflate; server_no_context_takeover=1',
      'permessage-deflate; unknown',
      'permessage-deflate; client_no_context_takeover; client_no_context_takeover',
    ]) {
      expect(acceptableOffers(bad, settings), bad).toBeUndefined();
    }
  });
});
