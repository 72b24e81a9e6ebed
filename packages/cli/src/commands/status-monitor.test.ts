import { WSClient } from '@switchboard/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bounded, runCli, startCli } from '../testing/cli-process.ts';
import { cleanUpAfterEachTest, startTestHub, type TestHub } from '../testing/test-hub.ts';

cleanUpAfterEachTest();
let hub: TestHub;
const clients: WSClient[] = [];
beforeEach(async () => {
  hub = await startTestHub({ name: 'test-hub' });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
});

async function subscriber(pattern: string): Promise<WSClient> {
  const client = new WSClient({ url: hub.url, reconnect: false });
  clients.push(client);
  await client.connect();
  await client.subscribe(pattern);
  return client;
}

describe('switchboard status', () => {
  it('prints /health and /stats as JSON, the same figures the hub reports', async () => {
    await subscriber('agent.#');
    await hub.router.publish('agent.1.status', 'busy');
    const result = await runCli(['status', hub.url, '--json']);
    expect(result.code).toBe(0);
    const { health, stats } = JSON.parse(result.stdout);
    expect(health).toMatchObject({ status: 'ok', name: 'test-hub', connections: 1 });
    expect(stats).toEqual(hub.server.stats());
    expect(stats).toMatchObject({ connections: 1, subscriptions: 1, published: 1, delivered: 1 });
  });

  it('prints a table, health only with --no-stats, the URLs with --verbose', async () => {
    const table = await runCli(['status', '--url', hub.url]);
    expect(table.stdout).toMatch(/^status +ok$/m);
    expect(table.stdout).toMatch(/^name +test-hub$/m);
    expect(table.stdout).toMatch(/^published +0$/m);
    const healthOnly = await runCli(['status', hub.url, '--no-stats', '--verbose']);
    expect(healthOnly.stdout).not.toContain('published');
    expect(healthOnly.stdout).toMatch(
      /^health url +http:\/\/127\.0\.0\.1:\d+\/health \(\d+\.\d ms\)$/m,
    );
  });

  it('exits 3 when the hub cannot be reached', async () => {
    const { port } = new URL(hub.url);
    await hub.close();
    const unreachable = await runCli(['status', `ws://127.0.0.1:${port}`]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/health/);
  });
});

describe('switchboard monitor', () => {
  it('prints a JSON reading per interval with rates from /stats deltas, and stops on SIGINT', async () => {
    const monitor = startCli([
      'monitor',
      hub.url,
      '--interval',
      '200',
      '--duration',
      '20s',
      '--json',
    ]);
    await monitor.stdout.waitForLine(
      (line) => JSON.parse(line).stats !== undefined,
      'first reading',
    );
    await subscriber('load.#');
    // Publish in rounds until a reading shows them as a rate (bounded: at most 100 rounds).
    let seen: { rates?: { published: number; delivered: number } } | undefined;
    for (let round = 0; round < 100 && !seen; round++) {
      for (let i = 0; i < 10; i++) await hub.router.publish('load.x', i);
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = monitor.stdout.lines
        .map((line) => JSON.parse(line))
        .find((s) => (s.rates?.published ?? 0) > 0);
    }
    expect(seen?.rates?.published).toBeGreaterThan(0);
    expect(seen?.rates?.delivered).toBeGreaterThan(0);
    monitor.child.kill('SIGINT');
    expect(await bounded(monitor, 'monitor')).toBe(0);
  });

  it('prints a line per reading off a terminal, with --stats totals and --verbose timings, until --duration', async () => {
    await hub.router.publish('a.b', 1);
    const monitor = startCli([
      'monitor',
      hub.url,
      '--interval',
      '100',
      '--duration',
      '700',
      '--stats',
      '--verbose',
    ]);
    expect(await bounded(monitor, 'monitor')).toBe(0);
    const lines = monitor.stdout.lines;
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d ws:\/\/127\.0\.0\.1:\d+ ok conns=0 subs=0 pub\/s=- deliv\/s=- drop\/s=- paused=0 published=1 delivered=0 dropped=0 poll=\d+\.\dms$/,
    );
    expect(lines[1]).toMatch(/ pub\/s=0 deliv\/s=0 drop\/s=0 /);
    expect(monitor.stdout.text).not.toContain('\x1b[');
  });

  it('shows the busiest topics through a # subscription with --topics', async () => {
    const monitor = startCli([
      'monitor',
      '--url',
      hub.url,
      '--interval',
      '200',
      '--duration',
      '20s',
      '--topics',
      '2',
    ]);
    await monitor.stdout.waitForLine(/ conns=1 /, 'the monitor connected');
    let line: string | undefined;
    for (let round = 0; round < 100 && !line; round++) {
      for (let i = 0; i < 5; i++) await hub.router.publish('busy.topic', i);
      await hub.router.publish('quiet.topic', round);
      await new Promise((resolve) => setTimeout(resolve, 50));
      line = monitor.stdout.lines.find((l) => l.includes(' top=busy.topic:'));
    }
    expect(line).toMatch(/ top=busy\.topic:\d+,quiet\.topic:\d+$/);
    monitor.child.kill('SIGTERM');
    expect(await bounded(monitor, 'monitor')).toBe(0);
  });

  it('exits 3 when no hub ever answered', async () => {
    const { port } = new URL(hub.url);
    await hub.close();
    const result = await runCli([
      'monitor',
      `ws://127.0.0.1:${port}`,
      '--interval',
      '100',
      '--duration',
      '300',
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/unreachable: /);
  });
});
