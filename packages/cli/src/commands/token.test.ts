import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-process.ts';

const secret = 'a-development-secret-of-32-bytes!';
const key = new TextEncoder().encode(secret);

describe('switchboard token', () => {
  it('mints an HS256 JWT with sub and the sw.sub, sw.pub and sw.req claims', async () => {
    const result = await runCli([
      ...['token', '--secret', secret, '--sub', 'agent-7'],
      ...['--subscribe', 'task.#', '--subscribe', 'swarm.*.vote,agent.7.#'],
      ...['--publish', 'agent.7.#', '--request', 'tasks.count', '--expires-in', '10m'],
      ...['--issuer', 'switchboard-dev', '--audience', 'hub'],
    ]);
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: 'switchboard-dev',
      audience: 'hub',
    });
    expect(payload).toMatchObject({
      sub: 'agent-7',
      'sw.sub': ['task.#', 'swarm.*.vote', 'agent.7.#'],
      'sw.pub': ['agent.7.#'],
      'sw.req': ['tasks.count'],
    });
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it('reads the secret from SWITCHBOARD_JWT_SECRET and leaves out lists not given', async () => {
    const result = await runCli(['token', '--sub', 'dash', '--subscribe', '#', '--json'], {
      env: { SWITCHBOARD_JWT_SECRET: secret },
    });
    expect(result.code).toBe(0);
    const { token, claims } = JSON.parse(result.stdout);
    const { payload } = await jwtVerify(token, key);
    expect(payload).toEqual(claims);
    expect(payload['sw.sub']).toEqual(['#']);
    expect(payload).not.toHaveProperty('sw.pub');
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('exits 2 on a short secret, a bad pattern, a bad lifetime or no --sub', async () => {
    const short = await runCli(['token', '--secret', 'short', '--sub', 'a']);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('HS256 needs at least 32');
    const pattern = await runCli([
      'token',
      '--secret',
      secret,
      '--sub',
      'a',
      '--publish',
      'agent.7*',
    ]);
    expect(pattern.code).toBe(2);
    expect(pattern.stderr).toContain('--publish "agent.7*"');
    const lifetime = await runCli([
      'token',
      '--secret',
      secret,
      '--sub',
      'a',
      '--expires-in',
      'soonish',
    ]);
    expect(lifetime.code).toBe(2);
    expect(lifetime.stderr).toContain('--expires-in "soonish"');
    const noSub = await runCli(['token', '--secret', secret]);
    expect(noSub.code).toBe(2);
    expect(noSub.stderr).toContain("required option '--sub <id>' not specified");
  });
});
