import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import { harness, record, rejection } from './testing/harness.ts';

const h = harness();

describe('connect', () => {
  it('resolves on welcome and exposes the connection', async () => {
    const hub = await h.hub({ tokens: { secret: 'agent-1' } });
    const client = h.client(hub, { token: 'secret', clientName: 'test-suite' });
    const connected = record(client, 'connected');
    const authenticated = record(client, 'authenticated');
    expect(client.state).toBe('idle');

    const pending = client.connect();
    expect(client.state).toBe('connecting');
    await pending;

    expect(client.state).toBe('connected');
    expect(client.isConnected).toBe(true);
    expect(client.connectionId).toBe('conn-0');
    expect(client.principal).toEqual({ id: 'agent-1' });
    expect(connected).toHaveLength(1);
    expect(connected[0]?.epoch).toBe(hub.epoch);
    expect(authenticated).toEqual([{ id: 'agent-1' }]);
    const [hello] = hub.framesOf(0);
    expect(hello).toEqual({
      type: 'hello',
      versions: [1],
      token: 'secret',
      client: { name: 'test-suite', version: expect.any(String) },
    });
    expect(hub.connections[0]?.socket.protocol).toBe('switchboard.v1.json');
  });

  it('connects anonymously without a token and emits no authenticated event', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    const authenticated = record(client, 'authenticated');
    await client.connect();
    expect(client.principal).toBeNull();
    expect(authenticated).toHaveLength(0);
    expect(hub.framesOf(0)[0]).not.toHaveProperty('token');
  });

  it('returns the same pending connect to concurrent callers', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await Promise.all([client.connect(), client.connect()]);
    await client.connect();
    expect(hub.connections).toHaveLength(1);
  });

  it('asks a token function before every attempt', async () => {
    const hub = await h.hub({ tokens: { t1: 'a', t2: 'a' } });
    let calls = 0;
    const client = h.client(hub, { token: async () => `t${++calls}` });
    await client.connect();
    hub.dropAll();
    await vi.waitFor(() => expect(hub.connections).toHaveLength(2));
    await vi.waitFor(() => expect(client.state).toBe('connected'));
    expect(hub.framesOf(1)[0]).toMatchObject({ type: 'hello', token: 't2' });
  });

  it('sends the token as a query parameter', async () => {
    const hub = await h.hub({ tokens: { 'q s': 'agent-q' } });
    const client = h.client(hub, { token: 'q s', tokenTransport: 'query' });
    await client.connect();
    expect(client.principal).toEqual({ id: 'agent-q' });
    expect(hub.connections[0]?.request.url).toBe('/?token=q+s');
    expect(hub.framesOf(0)[0]).not.toHaveProperty('token');
  });

  it('sends the token as an Authorization header in Node', async () => {
    const hub = await h.hub({ tokens: { h: 'agent-h' } });
    const client = h.client(hub, { token: 'h', tokenTransport: 'header' });
    await client.connect();
    expect(client.principal).toEqual({ id: 'agent-h' });
    expect(hub.connections[0]?.request.headers.authorization).toBe('Bearer h');
  });
});

describe('refusals', () => {
  it('rejects a bad token promptly with AUTHENTICATION_FAILED and does not reconnect', async () => {
    const hub = await h.hub({ tokens: { good: 'a' } });
    const client = h.client(hub, { token: 'bad', connectTimeoutMs: 20_000 });
    const reconnecting = record(client, 'reconnecting');
    const started = Date.now();

    const error = await rejection(client.connect());

    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(client.state).toBe('closed');
    expect(reconnecting).toHaveLength(0);
    expect(hub.connections).toHaveLength(1);
  });

  it('maps a bare close 4001 to AUTHENTICATION_FAILED', async () => {
    const hub = await h.hub({ tokens: { good: 'a' }, closeOnlyOnRefusal: true });
    const client = h.client(hub, { token: 'bad' });
    const error = (await rejection(client.connect())) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect(error.details).toMatchObject({ closeCode: 4001 });
    expect(client.state).toBe('closed');
  });

  it('rejects with UNSUPPORTED_VERSION listing what the hub speaks', async () => {
    const hub = await h.hub({ versions: [2, 3] });
    const client = h.client(hub);
    const error = (await rejection(client.connect())) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(error.details).toMatchObject({ supported: [3, 2] });
    expect(client.state).toBe('closed');
  });

  it('rejects with AUTHENTICATION_TIMEOUT when the hub wants a token and none is set', async () => {
    const hub = await h.hub({ requireAuth: true, authTimeoutMs: 50 });
    const client = h.client(hub);
    const error = (await rejection(client.connect())) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.AUTHENTICATION_TIMEOUT);
  });

  it('rejects when nothing listens, instead of retrying forever', async () => {
    const hub = await h.hub();
    const url = hub.url;
    await hub.close();
    const client = h.client(url);
    const error = (await rejection(client.connect())) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect(client.state).toBe('closed');
  });

  it('rejects a token provider failure and can connect again afterwards', async () => {
    const hub = await h.hub({ tokens: { ok: 'a' } });
    let fail = true;
    const client = h.client(hub, {
      token: () => {
        if (fail) throw new Error('vault down');
        return 'ok';
      },
    });
    const error = (await rejection(client.connect())) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect(error.message).toContain('vault down');
    fail = false;
    await client.connect();
    expect(client.principal).toEqual({ id: 'a' });
  });

  it('stops reconnecting when a reconnect is refused', async () => {
    const tokens: Record<string, string> = { t: 'a' };
    const hub = await h.hub({ tokens });
    const client = h.client(hub, { token: 't' });
    const errors = record(client, 'error');
    await client.connect();
    delete tokens.t;
    const failed = new Promise((resolve) => client.once('reconnect-failed', resolve));
    hub.dropAll();
    await failed;
    expect(client.state).toBe('closed');
    expect(errors.map((e) => e.code)).toContain(ErrorCode.AUTHENTICATION_FAILED);
    expect(hub.connections).toHaveLength(2);
  });
});
