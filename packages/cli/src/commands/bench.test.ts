import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-process.ts';
import { cleanUpAfterEachTest, startTestHub, type TestHub } from '../testing/test-hub.ts';

cleanUpAfterEachTest();
let hub: TestHub;
beforeEach(async () => {
  hub = await startTestHub();
});

describe('switchboard bench', () => {
  it('runs a short fan-out and prints the final table with throughput and latency percentiles', async () => {
    const result = await runCli([
      'bench',
      hub.url,
      '--duration',
      '1s',
      '--subscribers',
      '3',
      '--size',
      '64',
    ]);
    expect(result.code).toBe(0);
    for (const row of [
      'mode',
      'duration',
      'published',
      'delivered',
      'expected',
      'dropped by hub',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^${row} +\\S`, 'm'));
    }
    for (const p of ['p50', 'p90', 'p99', 'max']) {
      expect(result.stdout).toMatch(new RegExp(`^latency ${p} +\\d+\\.\\d\\d ms$`, 'm'));
    }
    expect(result.stdout).toMatch(/^mode +fanout \(1 publisher\(s\), 3 subscriber\(s\), 64 B\)$/m);
    expect(result.stdout).toMatch(/^published +[\d,]+ \([\d,]+\/s\)$/m);
    // A progress line went to stderr (a line per second off a terminal).
    expect(result.stderr).toMatch(/^\[\d+\.\ds\] published [\d,]+ \([\d,]+\/s\) delivered/m);
  });

  it('delivers every message to every subscriber, and the percentiles are ordered', async () => {
    const result = await runCli([
      'bench',
      hub.url,
      '--messages',
      '300',
      '--subscribers',
      '2',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      mode: 'fanout',
      publishers: 1,
      subscribers: 2,
      published: 300,
      publishFailures: 0,
      delivered: 600,
      expectedDeliveries: 600,
      droppedByHub: 0,
    });
    const { p50, p90, p99, max } = summary.latencyMs;
    expect(p50).toBeGreaterThan(0);
    expect(p90).toBeGreaterThanOrEqual(p50);
    expect(p99).toBeGreaterThanOrEqual(p90);
    expect(max).toBeGreaterThanOrEqual(p99);
    expect(hub.server.stats().published).toBe(300);
  });

  it('paces publishers with --rate in publishers mode', async () => {
    const result = await runCli([
      ...['bench', hub.url, '--mode', 'publishers', '--publishers', '3', '--rate', '300'],
      ...['--messages', '60', '--json'],
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      mode: 'publishers',
      publishers: 3,
      subscribers: 1,
      published: 60,
      delivered: 60,
    });
  });

  it('exits 2 on a bad mode, 3 when nobody listens', async () => {
    expect((await runCli(['bench', hub.url, '--mode', 'sideways'])).code).toBe(2);
    const { port } = new URL(hub.url);
    await hub.close();
    expect((await runCli(['bench', `ws://127.0.0.1:${port}`, '--duration', '200'])).code).toBe(3);
  });
});

describe('switchboard benchmark (the seed command)', () => {
  it('sends --messages from --concurrency publishers to one subscriber', async () => {
    const result = await runCli([
      ...['websocket', 'benchmark', '--url', hub.url],
      ...['--messages', '200', '--concurrency', '4', '--size', '128', '--json'],
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      mode: 'publishers',
      publishers: 4,
      subscribers: 1,
      sizeBytes: 128,
      published: 200,
      delivered: 200,
    });
  });
});
