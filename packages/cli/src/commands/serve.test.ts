import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offeredSubprotocols } from '@switchboard/protocol';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bounded, expectExit, runCli } from '../testing/cli-process.ts';
import { cleanUpAfterEachTest, startServe } from '../testing/test-hub.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-serve-'));
cleanUpAfterEachTest();
let held: Server | undefined;
afterEach(() => {
  held?.close();
  held = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(value: unknown): string {
  const file = join(dir, `switchboard-${++files}.json`);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/** A port something else listens on, so a serve that tries it fails with EADDRINUSE. */
async function busyPort(): Promise<number> {
  held = createServer();
  await new Promise<void>((resolve) => held!.listen(0, '127.0.0.1', resolve));
  return (held.address() as { port: number }).port;
}

async function healthOf(url: string): Promise<{ name: string; status: string }> {
  const response = await fetch(url);
  return (await response.json()) as { name: string; status: string };
}

describe('switchboard serve: where the config comes from', () => {
  it('prints the resolved config with flags over variables over the file', async () => {
    const file = configFile({
      port: 1000,
      name: 'file',
      host: '127.0.0.1',
      history: { historySize: 5 },
    });
    const result = await runCli(['serve', '--config', file, '--print-config', '--name', 'flag'], {
      env: { SWITCHBOARD_PORT: '2000', SWITCHBOARD_NAME: 'env', SWITCHBOARD_TOKENS: 'ops:s3cret' },
    });
    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout);
    expect(config).toMatchObject({
      port: 2000,
      name: 'flag',
      history: { historySize: 5, historyTtlMs: 300_000 },
    });
    expect(config.auth.tokens).toEqual([{ id: 'ops', token: '***' }]);
  });

  it('blanks the JWT secret and the Redis password in --print-config', async () => {
    const result = await runCli(['serve', '--print-config', '--metrics'], {
      env: {
        SWITCHBOARD_JWT_SECRET: 'jwt-secret-jwt-secret-jwt-secret-1',
        SWITCHBOARD_ENGINE: 'redis',
        SWITCHBOARD_ENGINE_URL: 'redis://user:redis-pass@127.0.0.1:6379/0',
      },
    });
    expect(result.code, result.stderr).toBe(0);
    const config = JSON.parse(result.stdout);
    expect(config).toMatchObject({
      auth: { jwt: { secret: '***' } },
      engine: { type: 'redis', url: 'redis://user:***@127.0.0.1:6379/0', keyPrefix: 'switchboard' },
      metrics: true,
      log: { level: 'info' },
    });
    expect(result.stdout).not.toContain('redis-pass');
  });

  it('listens where the variables say over the file, and the flags over the variables', async () => {
    const port = await busyPort();
    const file = configFile({ port, name: 'from-file' });
    // The file's port is taken: the hub only starts if SWITCHBOARD_PORT wins.
    const envWins = await startServe(['--config', file], { env: { SWITCHBOARD_PORT: '0' } });
    expect(await healthOf(envWins.health)).toMatchObject({ name: 'from-file', status: 'ok' });
    envWins.run.child.kill('SIGTERM');
    expect(await bounded(envWins.run, 'serve')).toBe(0);

    const flagWins = await startServe(['--config', file, '--port', '0', '--name', 'from-flag'], {
      env: { SWITCHBOARD_PORT: String(port), SWITCHBOARD_NAME: 'from-env' },
    });
    expect(await healthOf(flagWins.health)).toMatchObject({ name: 'from-flag' });
    flagWins.run.child.kill('SIGTERM');
    expect(await bounded(flagWins.run, 'serve')).toBe(0);

    await expectExit(
      ['serve', '--config', file],
      1,
      `cannot listen on 127.0.0.1:${port}: EADDRINUSE`,
    );
  });

  it('exits 2 on a bad config, naming the field and where the value came from', async () => {
    const file = configFile({ limits: { maxConnections: 0 } });
    const result = await runCli(['serve', '--config', file], {
      env: { SWITCHBOARD_HISTORY_TTL_MS: 'soon' },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `config.limits.maxConnections: expected a positive integer (in ${file})`,
    );
    expect(result.stderr).toContain(
      'config.history.historyTtlMs: expected a positive integer (from SWITCHBOARD_HISTORY_TTL_MS)',
    );
  });

  it('exits 2 on a JWT config it cannot honour instead of starting without the check', async () => {
    const file = configFile({ auth: { jwt: { secret: 'x'.repeat(32), jwksUrl: 'https://k/' } } });
    await expectExit(
      ['serve', '--config', file],
      2,
      'config.auth.jwt: needs exactly one of secret, publicKey and jwksUrl, got secret and jwksUrl',
    );
    await expectExit(['serve', '--port', '0'], 2, /config\.auth\.jwt: .*"secret".*32 bytes/, {
      env: { SWITCHBOARD_JWT_SECRET: 'too-short' },
    });
  });

  it('exits 2 when anonymous clients would be let in beyond loopback', async () => {
    await expectExit(
      ['serve', '--host', '0.0.0.0', '--port', '0'],
      2,
      /only allows anonymous clients on loopback/,
    );
  });
});

describe('switchboard serve: running', () => {
  it('drains on SIGTERM: clients get a disconnect frame with reconnect: true, then exit 0', async () => {
    const { run, url } = await startServe(['--port', '0']);
    const socket = new WebSocket(url, offeredSubprotocols());
    const frames: { type: string; reconnect?: boolean; code?: number }[] = [];
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'hello', versions: [1] }));
    await expect.poll(() => frames.map((f) => f.type)).toContain('welcome');

    run.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(frames.find((f) => f.type === 'disconnect')).toMatchObject({
      reconnect: true,
      code: 1001,
    });
    expect(await bounded(run, 'serve')).toBe(0);
    expect(run.stderr.text).toContain('draining 1 connection(s)');
    expect(run.stderr.text).toContain('stopped');
  });

  it('stops on SIGINT with exit 0', async () => {
    const { run } = await startServe(['--port', '0']);
    run.child.kill('SIGINT');
    expect(await bounded(run, 'serve')).toBe(0);
  });

  it('checks static tokens and their ACL', async () => {
    const file = configFile({
      port: 0,
      auth: {
        tokens: [
          { token: 'agent-secret', id: 'agent-7', publish: ['agent.7.#'], subscribe: ['task.#'] },
        ],
      },
    });
    const { run, url } = await startServe(['--config', file]);
    const allowed = await runCli([
      'pub',
      'agent.7.status',
      '"busy"',
      '--url',
      url,
      '--token',
      'agent-secret',
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^published agent\.7\.status offset=1 sequence=1 /);
    await expectExit(['pub', 'agent.8.status', '1', '--url', url], 4, 'FORBIDDEN', {
      env: { SWITCHBOARD_TOKEN: 'agent-secret' },
    });
    await expectExit(
      ['pub', 'agent.7.status', '1', '--url', url, '--token', 'nope'],
      4,
      'AUTHENTICATION_FAILED',
    );
    run.child.kill('SIGTERM');
    expect(await bounded(run, 'serve')).toBe(0);
  });
});
