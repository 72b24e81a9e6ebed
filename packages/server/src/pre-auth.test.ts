import { CloseCode, ErrorCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';

const { hub, peer } = useHubFixture();

/** An `authenticate` that waits until `release()`. */
function gatedAuthentication() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release,
    authenticate: async () => {
      await gate;
      return true;
    },
  };
}

const publish = (id: string, data: unknown = id) => ({ type: 'publish', id, topic: 'pre.1', data });

describe('before authentication', () => {
  it('keeps at most preAuthFrames frames while authenticate runs; the rest get AUTHENTICATION_REQUIRED', async () => {
    const { release, authenticate } = gatedAuthentication();
    const { url } = await hub({ authenticate, preAuthFrames: 5 });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'slow' });
    for (let i = 0; i < 8; i++) p.send(publish(`p${i}`));
    for (const id of ['p5', 'p6', 'p7']) {
      expect(await p.reply(id)).toMatchObject({
        type: 'error',
        code: ErrorCode.AUTHENTICATION_REQUIRED,
        details: { preAuthFrames: 5 },
      });
    }
    expect(p.frames.find((frame) => frame.type === 'welcome')).toBeUndefined();
    release();
    await p.next('welcome');
    const acks = [];
    for (let i = 0; i < 5; i++) acks.push(await p.reply(`p${i}`));
    expect(acks.map((ack) => ack.type)).toEqual(['ack', 'ack', 'ack', 'ack', 'ack']);
    const offsets = acks.map((ack) => (ack as { offset: number }).offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it('keeps at most preAuthBytes of frames while authenticate runs', async () => {
    const { release, authenticate } = gatedAuthentication();
    const { url } = await hub({ authenticate, preAuthBytes: 4_096 });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'slow' });
    // About 1.05 KB each: three fit in 4 KiB, the fourth does not.
    for (let i = 0; i < 4; i++) p.send(publish(`b${i}`, 'x'.repeat(1_000)));
    expect(await p.reply('b3')).toMatchObject({
      code: ErrorCode.AUTHENTICATION_REQUIRED,
      details: { preAuthBytes: 4_096 },
    });
    release();
    await p.next('welcome');
    for (const id of ['b0', 'b1', 'b2']) expect((await p.reply(id)).type).toBe('ack');
  });

  it('answers AUTHENTICATION_REQUIRED at once while the hub waits for an auth frame', async () => {
    const { url } = await hub({ authenticate: (token) => token === 'good' });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1] });
    p.send({ type: 'subscribe', id: 's1', topics: ['pre.#'] });
    expect(await p.reply('s1')).toMatchObject({ code: ErrorCode.AUTHENTICATION_REQUIRED });
    p.send({ type: 'auth', id: 'a1', token: 'good' });
    await p.next('welcome');
    expect(await p.reply('a1')).toMatchObject({ type: 'ack' });
    p.send({ type: 'subscribe', id: 's2', topics: ['pre.#'] });
    expect((await p.reply('s2')).type).toBe('ack');
  });

  it('refuses a message larger than preAuthBytes before welcome, and allows maxPayload after', async () => {
    const { release, authenticate } = gatedAuthentication();
    const { url } = await hub({ authenticate, preAuthBytes: 1_024 });
    const early = await peer(url);
    early.send({ type: 'hello', versions: [1], token: 'slow' });
    early.send(publish('big', 'x'.repeat(1_500)));
    expect(await early.next('error')).toMatchObject({
      code: ErrorCode.PAYLOAD_TOO_LARGE,
      details: { preAuthBytes: 1_024 },
    });
    expect((await early.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
    // Past twice the limit ws cuts the message without buffering it.
    const huge = await peer(url);
    huge.send({ type: 'hello', versions: [1], token: 'slow' });
    huge.send(publish('huge', 'x'.repeat(5_000)));
    expect((await huge.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
    release();
    const late = await peer(url);
    late.send({ type: 'hello', versions: [1], token: 'fast' });
    await late.next('welcome');
    late.send(publish('after', 'x'.repeat(50_000)));
    expect((await late.reply('after')).type).toBe('ack');
  });
});

describe('the first frame', () => {
  it('must be hello: anything else gets INVALID_MESSAGE and close 4007', async () => {
    const { url } = await hub();
    const firsts: unknown[] = [
      { type: 'subscribe', id: 's1', topics: ['a.#'] },
      { type: 'auth', id: 'a1', token: 'x' },
      'not json',
      { type: 'hello', versions: 'one' },
    ];
    for (const first of firsts) {
      const p = await peer(url);
      p.send(first);
      expect(await p.next('error')).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
      expect((await p.closed).code).toBe(CloseCode.HANDSHAKE_FAILED);
    }
  });

  it('carries the id of the refused frame, and lets ping through before hello', async () => {
    const { url } = await hub();
    const refused = await peer(url);
    refused.send({ type: 'publish', id: 'm1', topic: 'a', data: 1 });
    expect(await refused.reply('m1')).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    const pinged = await peer(url);
    pinged.send({ type: 'ping', id: 'early' });
    await pinged.next('pong', 'early');
    pinged.send({ type: 'hello', versions: [1] });
    await pinged.next('welcome');
  });
});
