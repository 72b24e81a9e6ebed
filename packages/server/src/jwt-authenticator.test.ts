import { CloseCode, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { jwtAuthenticator } from './jwt-authenticator.ts';
import { useHubFixture } from './test-support/fixture.ts';
import { type JwksServer, SECRET, signToken, startJwksServer } from './test-support/jwt.ts';

const { hub, peer } = useHubFixture();
const jwksServers: JwksServer[] = [];
afterEach(async () => {
  await Promise.all(jwksServers.splice(0).map((server) => server.close()));
});

const now = () => Math.floor(Date.now() / 1000);

/** The AUTHENTICATION_FAILED message a token gets, checking the token never shows in it. */
async function refusal(authenticate: (token: string) => Promise<unknown>, token: string) {
  const error = await authenticate(token).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SwitchboardError);
  expect((error as SwitchboardError).code).toBe(ErrorCode.AUTHENTICATION_FAILED);
  const message = (error as SwitchboardError).message;
  expect(message).not.toContain(token);
  for (const part of token.split('.')) expect(message).not.toContain(part);
  return message;
}

describe('jwtAuthenticator with HS256', () => {
  const authenticate = jwtAuthenticator({
    secret: SECRET,
    issuer: 'https://issuer.test',
    audience: 'switchboard',
  });
  const claims = { sub: 'agent-7', iss: 'https://issuer.test', aud: 'switchboard' };

  it('maps sub, sw.sub, sw.pub, sw.req and exp to the principal', async () => {
    const token = await signToken({
      ...claims,
      'sw.sub': ['task.#'],
      'sw.pub': 'agent.7.#',
      'sw.req': ['tasks.*'],
    });
    const principal = await authenticate(token);
    expect(principal).toMatchObject({
      id: 'agent-7',
      subscribe: ['task.#'],
      publish: ['agent.7.#'],
      request: ['tasks.*'],
      claims: { sub: 'agent-7' },
    });
    expect(principal.expiresAt).toBe((principal.claims.exp as number) * 1000);
  });

  it('grants nothing a token does not list (deny by default)', async () => {
    const principal = await authenticate(await signToken(claims));
    expect(principal.subscribe).toEqual([]);
    expect(principal.publish).toEqual([]);
    expect(principal.request).toEqual([]);
  });

  it('refuses an expired token, a bad signature, a wrong issuer or audience, saying which', async () => {
    const expired = await signToken({ ...claims, exp: now() - 30 });
    expect(await refusal(authenticate, expired)).toMatch(/token expired/);
    const otherKey = new TextEncoder().encode('another-secret-another-secret-another');
    const forged = await signToken(claims, { key: otherKey });
    expect(await refusal(authenticate, forged)).toMatch(/bad signature/);
    const wrongIssuer = await signToken({ ...claims, iss: 'https://evil.test' });
    expect(await refusal(authenticate, wrongIssuer)).toMatch(/wrong issuer/);
    const wrongAudience = await signToken({ ...claims, aud: 'someone-else' });
    expect(await refusal(authenticate, wrongAudience)).toMatch(/wrong audience/);
    const noExpiry = await signToken(claims, { expiresInSec: null });
    expect(await refusal(authenticate, noExpiry)).toMatch(/no "exp" claim/);
    expect(await refusal(authenticate, 'garbled-header.garbled-payload.garbled-signature')).toMatch(
      /malformed token/,
    );
  });

  it('refuses an algorithm it was not told to accept (no alg confusion)', async () => {
    const hs512 = await signToken(claims, {
      alg: 'HS512',
      key: new TextEncoder().encode(SECRET.repeat(2)),
    });
    expect(await refusal(authenticate, hs512)).toMatch(/algorithm not allowed/);
  });

  it('refuses patterns that are not patterns', async () => {
    const token = await signToken({ ...claims, 'sw.pub': ['agent..x'] });
    expect(await refusal(authenticate, token)).toMatch(/"sw.pub" is not a list of valid patterns/);
    const noSub = await signToken({ iss: claims.iss, aud: claims.aud });
    expect(await refusal(authenticate, noSub)).toMatch(/no "sub" claim/);
  });

  it('allows clock skew within clockToleranceMs, and extends expiresAt by it', async () => {
    const lenient = jwtAuthenticator({ secret: SECRET, clockToleranceMs: 30_000 });
    const strict = jwtAuthenticator({ secret: SECRET });
    const justExpired = await signToken({ sub: 'a', exp: now() - 5 });
    const notYetValid = await signToken({ sub: 'a', nbf: now() + 5 });
    expect(await refusal(strict, justExpired)).toMatch(/token expired/);
    expect(await refusal(strict, notYetValid)).toMatch(/not valid yet/);
    const principal = await lenient(justExpired);
    expect(principal.expiresAt).toBe((now() - 5) * 1000 + 30_000);
    expect((await lenient(notYetValid)).id).toBe('a');
  });

  it('reads nested claims by path, and leaves a list out with null', async () => {
    const nested = jwtAuthenticator({
      secret: SECRET,
      claims: { id: ['sw', 'agent'], subscribe: ['sw', 'sub'], publish: null },
    });
    const token = await signToken({ sw: { agent: 'agent-9', sub: ['a.#'] } });
    const principal = await nested(token);
    expect(principal).toMatchObject({ id: 'agent-9', subscribe: ['a.#'] });
    expect(principal.publish).toBeUndefined();
  });

  it('checks its options with TypeErrors naming them', () => {
    expect(() => jwtAuthenticator({})).toThrow(
      /exactly one of "secret", "publicKey" and "jwksUrl"/,
    );
    expect(() => jwtAuthenticator({ secret: SECRET, jwksUrl: 'http://x' })).toThrow(
      /got secret and jwksUrl/,
    );
    expect(() => jwtAuthenticator({ secret: 'short' })).toThrow(/"secret".*32 bytes/);
    expect(() => jwtAuthenticator({ secret: SECRET, algorithms: ['RS256'] })).toThrow(
      /"algorithms"/,
    );
    expect(() => jwtAuthenticator({ jwksUrl: 'http://x', algorithms: ['HS256'] })).toThrow(
      /"algorithms"/,
    );
    expect(() => jwtAuthenticator({ secret: SECRET, jwksCooldownMs: 0 })).toThrow(
      /"jwksCooldownMs" needs "jwksUrl"/,
    );
    expect(() => jwtAuthenticator({ secret: SECRET, clockToleranceMs: -1 })).toThrow(
      /clockToleranceMs/,
    );
    expect(() => jwtAuthenticator({ secret: SECRET, audiance: 'x' } as never)).toThrow(
      /unknown option "audiance"/,
    );
    expect(() => jwtAuthenticator({ publicKey: 'not a pem' })).toThrow(/"publicKey"/);
    expect(() => jwtAuthenticator({ jwksUrl: 'ftp://x/jwks' })).toThrow(/http: or https:/);
  });
});

describe('jwtAuthenticator with public keys', () => {
  it.each([
    ['RS256', 'a PEM string', async (key: CryptoKey) => exportSPKI(key)],
    ['ES256', 'a JWK', async (key: CryptoKey) => exportJWK(key)],
    ['EdDSA', 'a CryptoKey', async (key: CryptoKey) => key],
  ] as const)('verifies %s with the public key given as %s', async (alg, _form, asOption) => {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const authenticate = jwtAuthenticator({
      publicKey: await asOption(publicKey),
      algorithms: [alg],
    });
    const token = await signToken({ sub: `agent-${alg}` }, { alg, key: privateKey });
    expect((await authenticate(token)).id).toBe(`agent-${alg}`);
    const other = await generateKeyPair(alg);
    const forged = await signToken({ sub: 'x' }, { alg, key: other.privateKey });
    expect(await refusal(authenticate, forged)).toMatch(/bad signature/);
  });
});

describe('jwtAuthenticator with a JWKS URL', () => {
  it('fetches the key set, caches it, and follows a key rotation', async () => {
    const jwks = await startJwksServer();
    jwksServers.push(jwks);
    const first = await generateKeyPair('ES256');
    const second = await generateKeyPair('ES256');
    await jwks.setKeys([{ key: first.publicKey, kid: 'k1', alg: 'ES256' }]);
    const authenticate = jwtAuthenticator({
      jwksUrl: jwks.url,
      algorithms: ['ES256'],
      // Let an unknown kid fetch again at once, so the test does not wait out the cooldown.
      jwksCooldownMs: 0,
    });
    const sign = (sub: string, kid: string, key: CryptoKey) =>
      signToken({ sub }, { alg: 'ES256', kid, key });

    expect((await authenticate(await sign('a', 'k1', first.privateKey))).id).toBe('a');
    expect((await authenticate(await sign('b', 'k1', first.privateKey))).id).toBe('b');
    expect(jwks.fetches).toBe(1);

    // The issuer rotates: k2 replaces k1. A token signed with k2 makes the hub fetch again.
    await jwks.setKeys([{ key: second.publicKey, kid: 'k2', alg: 'ES256' }]);
    expect((await authenticate(await sign('c', 'k2', second.privateKey))).id).toBe('c');
    expect(jwks.fetches).toBe(2);
    const retired = await sign('d', 'k1', first.privateKey);
    expect(await refusal(authenticate, retired)).toMatch(/no key of the key set matches/);
  });

  it('reports an unreachable key set as the hub’s error, not the token’s', async () => {
    const jwks = await startJwksServer();
    const url = jwks.url;
    await jwks.close();
    const authenticate = jwtAuthenticator({ jwksUrl: url, jwksTimeoutMs: 2_000 });
    const token = await signToken(
      { sub: 'a' },
      { alg: 'ES256', key: (await generateKeyPair('ES256')).privateKey },
    );
    const error = await authenticate(token).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(SwitchboardError);
    expect((error as Error).message).toMatch(/Could not get the JSON Web Key Set/);
  });
});

describe('jwtAuthenticator behind WSServer', () => {
  const options = { secret: SECRET };

  it('authenticates and enforces the claims on subscribe and publish', async () => {
    const { url } = await hub({ authenticate: jwtAuthenticator(options) });
    const token = await signToken({
      sub: 'agent-7',
      'sw.sub': ['task.#'],
      'sw.pub': ['agent.7.#'],
    });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token });
    const welcome = await p.next('welcome');
    expect(welcome.principal).toEqual({ id: 'agent-7' });
    expect(welcome.expiresAt).toBeGreaterThan(Date.now());
    p.send({ type: 'subscribe', id: 's1', topics: ['task.#'] });
    expect(await p.reply('s1')).toMatchObject({ type: 'ack' });
    p.send({ type: 'subscribe', id: 's2', topics: ['agent.#'] });
    expect(await p.reply('s2')).toMatchObject({ type: 'error', code: ErrorCode.FORBIDDEN });
    p.send({ type: 'publish', id: 'm1', topic: 'agent.7.status', data: 1 });
    expect(await p.reply('m1')).toMatchObject({ type: 'ack' });
    p.send({ type: 'publish', id: 'm2', topic: 'agent.8.status', data: 1 });
    expect(await p.reply('m2')).toMatchObject({ type: 'error', code: ErrorCode.FORBIDDEN });
  });

  it('refuses an expired token with its reason and 4001, and never echoes the token', async () => {
    const { url, server } = await hub({ authenticate: jwtAuthenticator(options) });
    const errors: Error[] = [];
    server.on('error', (error) => errors.push(error));
    const token = await signToken({ sub: 'agent-7', exp: now() - 60 });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token });
    const error = await p.next('error');
    expect(error).toMatchObject({ code: ErrorCode.AUTHENTICATION_FAILED });
    expect(error.message).toMatch(/token expired/);
    const closed = await p.closed;
    expect(closed.code).toBe(CloseCode.AUTHENTICATION_FAILED);
    for (const part of token.split('.')) {
      expect(error.message).not.toContain(part);
      expect(closed.reason).not.toContain(part);
    }
    expect(errors).toEqual([]);
  });
});
