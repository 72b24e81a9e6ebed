import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WSClient } from '@switchboard/client';
import { offeredSubprotocols } from '@switchboard/protocol';
import { describeWithRedis, probeRedis, REDIS_URL } from '@switchboard/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bounded, runCli } from '../testing/cli-process.ts';
import { cleanUpAfterEachTest, startServe } from '../testing/test-hub.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-serve-ops-'));
cleanUpAfterEachTest();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'serve-ops-secret-serve-ops-secret!';

function configFile(value: unknown): string {
  const file = join(dir, `hub-${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/** Opens a raw connection, says hello with `token`; resolves with the first frame or the close code. */
function handshake(url: string, token: string): Promise<{ type?: string; code?: number }> {
  const socket = new WebSocket(url, offeredSubprotocols());
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', versions: [1], token })));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'welcome') {
        socket.close();
        resolve(frame);
      }
    });
    socket.once('close', (code) => resolve({ code }));
  });
}

async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const values = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const sample = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    if (sample && !line.startsWith('#')) values.set(sample[1]!, Number(sample[2]));
  }
  return values;
}

describe('switchboard serve: JWT, metrics and logs', () => {
  it('admits a token minted by `switchboard token`, refuses a bad one, counts both, logs neither token', async () => {
    const minted = await runCli(['token', '--sub', 'alice', '--subscribe', 'x.#'], {
      env: { SWITCHBOARD_JWT_SECRET: SECRET },
    });
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    const file = configFile({ port: 0, auth: { jwt: { secret: SECRET } }, metrics: true });
    const { run, url } = await startServe(['--config', file, '--log-level', 'debug']);
    const metricsUrl = (await run.stdout.waitForLine(/^metrics: /, 'serve')).slice(9);
    await run.stderr.waitForLine(/^auth: JWT/, 'the auth summary');

    expect(await handshake(url, token)).toMatchObject({ type: 'welcome' });
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(await handshake(url, forged)).toEqual({ code: 4001 });
    await run.stderr.waitForLine(/"event":"disconnection".*"code":4001/, 'the refusal logged');

    const values = await scrape(metricsUrl);
    expect(values.get('switchboard_handshakes_total')).toBe(1);
    expect(values.get('switchboard_refusals_total{code="AUTHENTICATION_FAILED"}')).toBe(1);
    expect(values.has('process_resident_memory_bytes')).toBe(true);

    const log = run.stderr.text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(log.find((line) => line.event === 'authenticated')).toMatchObject({
      principalId: 'alice',
      level: 30,
    });
    expect(run.stderr.text).not.toContain(token);
    expect(run.stderr.text).not.toContain(forged);
    expect(run.stderr.text).not.toContain(SECRET);
    run.child.kill('SIGTERM');
    expect(await bounded(run, 'serve')).toBe(0);
    expect(run.stderr.text).toContain('"event":"shutdown-complete"');
  });

  it('has no /metrics unless asked, and logs nothing at level silent', async () => {
    const { run, health } = await startServe(['--port', '0', '--log-level', 'silent']);
    expect((await fetch(health.replace(/\/health$/, '/metrics'))).status).toBe(404);
    expect(run.stderr.text).not.toContain('{"level"');
    run.child.kill('SIGTERM');
    expect(await bounded(run, 'serve')).toBe(0);
    expect(run.stderr.text).not.toContain('"event"');
  });
});

describeWithRedis('switchboard serve: a redis engine', await probeRedis(), () => {
  it('runs two nodes on one log: a publish on one reaches a subscriber on the other', async () => {
    const file = configFile({
      port: 0,
      engine: { type: 'redis', url: REDIS_URL, keyPrefix: `sb-cli-${randomUUID()}` },
      history: { historySize: 100, historyBytes: 65_536 },
    });
    const a = await startServe(['--config', file, '--log-level', 'warn']);
    const b = await startServe(['--config', file, '--log-level', 'warn']);
    await a.run.stderr.waitForLine(/^engine: redis/, 'the engine note');
    const subscriber = new WSClient({ url: a.url });
    const publisher = new WSClient({ url: b.url });
    try {
      await subscriber.connect();
      await publisher.connect();
      const received = new Promise<unknown>((resolve) =>
        subscriber.on('event', (event) => resolve(event.data)),
      );
      await subscriber.subscribe('orders.#');
      await publisher.publish('orders.1', { n: 1 });
      expect(await received).toEqual({ n: 1 });
    } finally {
      await Promise.all([subscriber.disconnect(), publisher.disconnect()]);
    }
    for (const { run } of [a, b]) {
      run.child.kill('SIGTERM');
      expect(await bounded(run, 'serve')).toBe(0);
    }
  });
});

describe('switchboard serve: an engine that does not answer', () => {
  it('exits 3 when the Redis it names does not answer', async () => {
    const result = await runCli(['serve', '--port', '0'], {
      env: { SWITCHBOARD_ENGINE: 'redis', SWITCHBOARD_ENGINE_URL: 'redis://127.0.0.1:1' },
    });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('cannot open the redis engine');
  });
});
