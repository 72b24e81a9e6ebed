import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { expectExit, runCli } from '../testing/cli-process.ts';

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

  it.each([
    [['--secret', 'short', '--sub', 'a'], 'HS256 needs at least 32'],
    [['--secret', secret, '--sub', 'a', '--publish', 'agent.7*'], '--publish "agent.7*"'],
    [['--secret', secret, '--sub', 'a', '--expires-in', 'soonish'], '--expires-in "soonish"'],
    [['--secret', secret], "required option '--sub <id>' not specified"],
  ])('exits 2 on %j', async (args, message) => {
    await expectExit(['token', ...args], 2, message);
  });
});
