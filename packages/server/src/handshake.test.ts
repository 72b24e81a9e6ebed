import { CloseCode, ErrorCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';
import { WSServer } from './ws-server.ts';

const { hub, peer } = useHubFixture();

const authenticate = (token: string) =>
  token === 'good' ? { id: 'agent-1', subscribe: ['agent.#'], publish: ['agent.1.#'] } : false;

describe('handshake', () => {
  it('negotiates the subprotocol and answers hello with welcome', async () => {
    const { url, router } = await hub();
    const p = await peer(url);
    expect(p.socket.protocol).toBe('switchboard.v1.json');
    p.send({ type: 'hello', versions: [3, 1, 2] });
    const welcome = await p.next('welcome');
    expect(welcome.version).toBe(1);
    expect(welcome.epoch).toBe(router.epoch);
    expect(welcome.principal?.id).toBe(welcome.connectionId);
  });

  it('refuses an unsupported version in-band with UNSUPPORTED_VERSION and close 4003', async () => {
    const { url } = await hub();
    const p = await peer(url);
    p.send({ type: 'hello', versions: [7, 9] });
    const error = await p.next('error');
    expect(error.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(error.details?.supported).toEqual([1]);
    expect((await p.closed).code).toBe(CloseCode.UNSUPPORTED_VERSION);
  });

  it('explains an unsupported subprotocol version instead of failing the upgrade', async () => {
    const { url } = await hub();
    const p = await peer(url, { protocols: ['switchboard.v9.json'] });
    const error = await p.next('error');
    expect(error.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect((await p.closed).code).toBe(CloseCode.UNSUPPORTED_VERSION);
  });
});

describe('authentication', () => {
  it('accepts a token in the hello frame', async () => {
    const { url } = await hub({ authenticate });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'good' });
    expect((await p.next('welcome')).principal).toEqual({ id: 'agent-1' });
  });

  it('accepts a token in an auth frame and acks it', async () => {
    const { url } = await hub({ authenticate });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1] });
    p.send({ type: 'auth', id: 'a1', token: 'good' });
    expect((await p.next('welcome')).principal).toEqual({ id: 'agent-1' });
    expect(await p.next('ack', 'a1')).toMatchObject({ ok: true });
  });

  it('accepts an Authorization: Bearer header', async () => {
    const { url } = await hub({ authenticate });
    const p = await peer(url, { headers: { authorization: 'Bearer good' } });
    p.send({ type: 'hello', versions: [1] });
    expect((await p.next('welcome')).principal).toEqual({ id: 'agent-1' });
  });

  it('accepts a token query parameter (browsers cannot set headers)', async () => {
    const { url } = await hub({ authenticate });
    const p = await peer(`${url}/?token=good`);
    p.send({ type: 'hello', versions: [1] });
    expect((await p.next('welcome')).principal).toEqual({ id: 'agent-1' });
  });

  it('passes the transport and connection metadata to authenticate', async () => {
    const seen: string[] = [];
    const { url } = await hub({
      authenticate: (token, metadata) => {
        seen.push(`${metadata.transport}:${token}:${typeof metadata.connectionId}`);
        return true;
      },
    });
    const p = await peer(`${url}/?token=q`);
    p.send({ type: 'hello', versions: [1] });
    await p.next('welcome');
    expect(seen).toEqual(['query:q:string']);
  });

  it('refuses a bad token with AUTHENTICATION_FAILED and close 4001', async () => {
    const { url } = await hub({ authenticate });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'bad' });
    expect((await p.next('error')).code).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect((await p.closed).code).toBe(CloseCode.AUTHENTICATION_FAILED);
  });

  it('treats a throwing authenticate as a refusal, not a crash', async () => {
    const { url, server } = await hub({
      authenticate: () => {
        throw new Error('backend down');
      },
    });
    const errors: Error[] = [];
    server.on('error', (error) => errors.push(error));
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'x' });
    expect((await p.next('error')).code).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect((await p.closed).code).toBe(CloseCode.AUTHENTICATION_FAILED);
    expect(errors.map((e) => e.message)).toEqual(['backend down']);
  });

  it('closes a socket that never authenticates after authTimeoutMs with 4002', async () => {
    const { url } = await hub({ authenticate, authTimeoutMs: 150 });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1] });
    expect((await p.next('error')).code).toBe(ErrorCode.AUTHENTICATION_TIMEOUT);
    expect((await p.closed).code).toBe(CloseCode.AUTHENTICATION_TIMEOUT);
  });

  it('processes frames sent while authenticate runs after it, in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { url } = await hub({
      authenticate: async () => {
        await gate;
        return true;
      },
    });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'slow' });
    p.send({ type: 'subscribe', id: 's1', topics: ['job.#'] });
    p.send({ type: 'publish', id: 'p1', topic: 'job.1', data: 1 });
    p.send({ type: 'publish', id: 'p2', topic: 'job.2', data: 2 });
    release();
    await p.next('welcome');
    expect(await p.reply('s1')).toMatchObject({ type: 'ack' });
    const first = await p.next('event');
    const second = await p.next('event');
    expect([first.data, second.data]).toEqual([1, 2]);
    expect(second.offset).toBeGreaterThan(first.offset);
  });

  it('refuses to start anonymous on a non-loopback interface unless allowAnonymous', async () => {
    const open = new WSServer({ host: '0.0.0.0', port: 0 });
    await expect(open.start()).rejects.toThrow(/allowAnonymous/);
    const allowed = new WSServer({ host: '0.0.0.0', port: 0, allowAnonymous: true });
    await allowed.start();
    expect(allowed.port).toBeGreaterThan(0);
    await allowed.shutdown();
  });

  it('rejects conflicting options with a TypeError naming them', () => {
    expect(() => new WSServer({ port: 1, server: {} as never })).toThrow(/"server" and "port"/);
    expect(() => new WSServer({ maxPayload: -1 })).toThrow(/maxPayload/);
    expect(() => new WSServer({ flushSliceMs: -1 })).toThrow(/flushSliceMs/);
    expect(() => new WSServer({ flushSliceMs: 1.5 })).toThrow(/flushSliceMs/);
  });
});
