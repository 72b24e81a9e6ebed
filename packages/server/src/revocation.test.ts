import { WSClient } from '@switchboard/client';
import { CloseCode, ErrorCode } from '@switchboard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { jwtAuthenticator } from './jwt-authenticator.ts';
import { useHubFixture } from './test-support/fixture.ts';
import { SECRET, signToken } from './test-support/jwt.ts';
import { WSServer } from './ws-server.ts';

const { hub, peer, welcomed } = useHubFixture();
const clients: WSClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
});

const byToken = (token: string) => ({ id: token.split(':')[0]! });

describe('server.revoke', () => {
  // Issue item 8: on 1aa2d06 revoking a token only kept new connections out.
  it('ends every connection of the principal now with 4009, and returns how many', async () => {
    const { url, server } = await hub({ authenticate: byToken });
    const first = await welcomed(url, 'agent-1:a');
    const second = await welcomed(url, 'agent-1:b');
    const bystander = await welcomed(url, 'agent-2:a');

    expect(server.revoke('agent-1', 'key leaked')).toBe(2);
    for (const p of [first, second]) {
      expect(await p.next('disconnect')).toMatchObject({
        code: CloseCode.REVOKED,
        reason: 'key leaked',
        reconnect: false,
      });
      expect(await p.closed).toMatchObject({ code: CloseCode.REVOKED, reason: 'key leaked' });
    }
    bystander.send({ type: 'publish', id: 'm1', topic: 'a', data: 1 });
    expect(await bystander.reply('m1')).toMatchObject({ type: 'ack' });
    expect(server.revoke('agent-1')).toBe(0);
    expect(server.revoke('nobody')).toBe(0);
  });

  it('stops a WSClient from reconnecting, and isRevoked keeps it out afterwards', async () => {
    const revoked = new Set<string>();
    const { url, server } = await hub({
      authenticate: byToken,
      isRevoked: (principal) => revoked.has(principal.id),
    });
    const agent = new WSClient({ url, token: () => 'agent-1:a', reconnectInterval: 10 });
    clients.push(agent);
    await agent.connect();
    const disconnected = new Promise<{ code: number; willReconnect: boolean }>((resolve) =>
      agent.once('disconnected', resolve),
    );
    revoked.add('agent-1');
    expect(server.revoke('agent-1')).toBe(1);
    expect(await disconnected).toMatchObject({ code: CloseCode.REVOKED, willReconnect: false });
    expect(agent.state).toBe('closed');

    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'agent-1:b' });
    const error = await p.next('error');
    expect(error).toMatchObject({ code: ErrorCode.AUTHENTICATION_FAILED });
    expect(error.message).toMatch(/revoked/);
    expect((await p.closed).code).toBe(CloseCode.AUTHENTICATION_FAILED);
  });
});

describe('isRevoked', () => {
  it('can deny JWTs by jti: the claims are on the principal', async () => {
    const denied = new Set(['token-2']);
    const { url } = await hub({
      authenticate: jwtAuthenticator({ secret: SECRET }),
      isRevoked: (principal) => denied.has((principal.claims as { jti?: string }).jti ?? ''),
    });
    const good = await welcomed(url, await signToken({ sub: 'a', jti: 'token-1' }));
    expect(good.frames).toEqual([]);
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: await signToken({ sub: 'a', jti: 'token-2' }) });
    expect((await p.next('error')).message).toMatch(/revoked/);
  });

  it('treats a throwing isRevoked as the hub’s failure: refused, reported as error', async () => {
    const { url, server } = await hub({
      authenticate: byToken,
      isRevoked: () => {
        throw new Error('denylist unreachable');
      },
    });
    const errors: Error[] = [];
    server.on('error', (error) => errors.push(error));
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'agent-1:a' });
    expect((await p.next('error')).message).toBe('Authentication failed');
    expect(errors.map((e) => e.message)).toEqual(['denylist unreachable']);
  });

  it('needs authenticate: given alone it is a TypeError, not ignored', () => {
    expect(() => new WSServer({ isRevoked: () => false })).toThrow(
      /"isRevoked" needs "authenticate"/,
    );
    expect(() => new WSServer({ authenticate: () => true, isRevoked: 5 as never })).toThrow(
      /isRevoked/,
    );
  });
});
