import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  describeWithRedis,
  probeRedis,
  REDIS_URL,
  testPrefix,
} from '@switchboard/test-utils/redis';
import Redis from 'ioredis';
import { afterEach, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const redis = await probeRedis();

describeWithRedis('the demo with SWITCHBOARD_REDIS_URL', redis, () => {
  const children: ChildProcess[] = [];
  let prefix = '';
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    const keys = await client.keys(`{${prefix}}:*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });

  /** Starts `main.ts` and resolves with its output once it prints the hub's URL. */
  function startDemo(env: Record<string, string>): Promise<string> {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
      cwd: APP_DIR,
      env: { ...process.env, PORT: '0', TICK_MS: '1000', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/listening on ws:\/\/\S+/.test(output)) resolve(output);
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('exit', (code) => reject(new Error(`demo exited (${code}): ${output}`)));
    });
  }

  it('puts the hub log on that Redis under SWITCHBOARD_REDIS_PREFIX', async () => {
    prefix = testPrefix();
    const output = await startDemo({
      SWITCHBOARD_REDIS_URL: REDIS_URL,
      SWITCHBOARD_REDIS_PREFIX: prefix,
    });
    expect(output).toContain(`key prefix ${prefix}`);
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    try {
      // The engine creates the log's meta hash (its epoch) when it opens.
      expect(await client.hget(`{${prefix}}:meta`, 'epoch')).toEqual(expect.any(String));
    } finally {
      client.disconnect();
    }
  }, 60_000);
});
