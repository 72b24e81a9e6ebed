import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';
import { RawPeer } from './test-support/raw-peer.ts';
import { WSServer } from './ws-server.ts';

const { hub, track, welcomed, identified } = useHubFixture();

/** Prometheus text exposition: `name{labels}` → value, and `# TYPE` lines. */
function parse(text: string): { values: Map<string, number>; types: Map<string, string> } {
  const values = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    if (!sample) throw new Error(`Not an exposition line: ${line}`);
    values.set(sample[1]!, Number(sample[2]));
  }
  return { values, types };
}

async function scrape(httpUrl: string): Promise<{
  values: Map<string, number>;
  types: Map<string, string>;
  text: string;
}> {
  const response = await fetch(`${httpUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  return { ...parse(text), text };
}

const httpOf = (url: string) => url.replace(/^ws/, 'http');

describe('GET /metrics', () => {
  it('is off by default: a 404, and no registry', async () => {
    const { url, server } = await hub();
    expect(server.metricsRegistry).toBeUndefined();
    expect((await fetch(`${httpOf(url)}/metrics`)).status).toBe(404);
  });

  it('names every metric by the conventions, with process metrics beside', async () => {
    const { url } = await hub({ metrics: true });
    const { types } = await scrape(httpOf(url));
    expect(types.get('switchboard_connections')).toBe('gauge');
    expect(types.get('switchboard_outbound_queue_bytes')).toBe('gauge');
    expect(types.get('switchboard_frames_received_total')).toBe('counter');
    expect(types.get('switchboard_refusals_total')).toBe('counter');
    expect(types.get('switchboard_publish_append_seconds')).toBe('histogram');
    expect(types.get('switchboard_append_write_seconds')).toBe('histogram');
    expect(types.get('switchboard_engine_history_entries')).toBe('gauge');
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    for (const [name, type] of types) {
      if (type === 'counter') expect(name).toMatch(/_total$/);
      expect(name).toMatch(/^[a-z_:][a-z0-9_:]*$/);
    }
  });

  it('moves with traffic, agrees with /stats and never labels by topic or client', async () => {
    const { url, server } = await hub({ metrics: true });
    const http = httpOf(url);
    const before = await scrape(http);
    expect(before.values.get('switchboard_connections')).toBe(0);
    expect(before.values.get('switchboard_published_total')).toBe(0);

    const { peer: subscriber, id: subscriberId } = await identified(url);
    subscriber.send({ type: 'subscribe', id: 's', topics: ['orders.secret-topic'] });
    await subscriber.reply('s');
    const publisher = await welcomed(url);
    for (const id of ['p1', 'p2', 'p3']) {
      publisher.send({ type: 'publish', id, topic: 'orders.secret-topic', data: { n: id } });
      await publisher.reply(id);
    }
    for (let i = 0; i < 3; i += 1) await subscriber.next('event');
    publisher.send({ type: 'publish', id: 'bad', topic: 'bad..topic', data: 1 });
    await publisher.next('error', 'bad');
    const replaying = await welcomed(url);
    replaying.send({ type: 'subscribe', id: 'r', topics: ['orders.#'], since: 0 });
    await replaying.reply('r');

    const after = await scrape(http);
    const v = (name: string) => after.values.get(name);
    expect(v('switchboard_connections')).toBe(3);
    expect(v('switchboard_handshakes_total')).toBe(3);
    expect(v('switchboard_connections_opened_total')).toBe(3);
    expect(v('switchboard_frames_received_total{type="publish"}')).toBe(3);
    expect(v('switchboard_frames_received_total{type="subscribe"}')).toBe(2);
    expect(v('switchboard_published_total')).toBe(3);
    expect(v('switchboard_deliveries_total')).toBe(3);
    expect(v('switchboard_replays_total')).toBe(1);
    expect(v('switchboard_refusals_total{code="INVALID_TOPIC"}')).toBe(1);
    expect(v('switchboard_publish_append_seconds_count')).toBe(3);
    expect(v('switchboard_append_write_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(v('switchboard_engine_history_entries')).toBe(3);
    expect(v('switchboard_engine_head_offset')).toBe(3);
    expect(v('switchboard_dropped_total{reason="slow_consumer"}')).toBe(0);
    const stats = server.stats();
    expect(v('switchboard_messages_received_total')).toBe(stats.messagesIn);
    expect(v('switchboard_subscriptions')).toBe(stats.subscriptions);
    expect(after.text).not.toContain('secret-topic');
    expect(after.text).not.toContain(subscriberId);

    const closed = new Promise((resolve) => server.once('disconnection', resolve));
    await subscriber.close();
    await closed;
    const last = await scrape(http);
    expect(last.values.get('switchboard_connections')).toBe(2);
    // The peer closed without a code: 1005 (no status received).
    expect(last.values.get('switchboard_connections_closed_total{code="1005"}')).toBe(1);
    // Counters never go back: the closed connection's frames stay counted.
    expect(last.values.get('switchboard_messages_received_total')).toBeGreaterThanOrEqual(
      stats.messagesIn,
    );
  });

  it('counts rate-limit refusals and refused upgrades', async () => {
    const { url } = await hub({
      metrics: true,
      allowedOrigins: ['https://app.example.com'],
      rateLimit: { publish: { maxMessages: 1, windowMs: 60_000 } },
    });
    const peer = await welcomed(url);
    peer.send({ type: 'publish', id: 'a', topic: 't', data: 1 });
    await peer.reply('a');
    peer.send({ type: 'publish', id: 'b', topic: 't', data: 1 });
    await peer.next('error', 'b');
    await expect(
      RawPeer.open(url, { headers: { origin: 'https://evil.example.org' } }).then(track),
    ).rejects.toThrow('HTTP 403');
    const { values } = await scrape(httpOf(url));
    expect(values.get('switchboard_rate_limited_total')).toBe(1);
    expect(values.get('switchboard_refusals_total{code="RATE_LIMIT_EXCEEDED"}')).toBe(1);
    expect(values.get('switchboard_upgrade_refusals_total{status="403"}')).toBe(1);
  });

  it('registers in a registry and under a prefix of yours, without process metrics', async () => {
    const registry = new Registry();
    const { server } = await hub({
      metrics: { registry, prefix: 'hub_a_', defaultMetrics: false },
    });
    expect(server.metricsRegistry).toBe(registry);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE hub_a_connections gauge');
    expect(text).not.toContain('switchboard_');
    expect(text).not.toContain('process_cpu');
  });

  it('refuses a bad metrics option by name', () => {
    expect(() => new WSServer({ metrics: 'yes' as never })).toThrow(/"metrics"/);
    expect(() => new WSServer({ metrics: { prefix: 'bad-prefix' } })).toThrow(/metrics.prefix/);
    expect(() => new WSServer({ metrics: { registry: {} as never } })).toThrow(/metrics.registry/);
    expect(() => new WSServer({ metrics: { path: '/m' } as never })).toThrow(/"path"/);
  });
});

describe('docs/operations.md', () => {
  it('lists every metric the hub registers, with its type and labels', async () => {
    const doc = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
    const rows = new Map<string, string>();
    for (const line of doc.split('\n')) {
      const cells = /^\| `(switchboard_[a-z_]+)` +\| (\w+) +\| ([^|]*)\|/.exec(line);
      if (cells) rows.set(cells[1]!, `${cells[2]} ${cells[3]!.trim()}`.trim());
    }
    const { server } = await hub({ metrics: { defaultMetrics: false } });
    const registry = server.metricsRegistry!;
    const expected = new Map<string, string>();
    for (const { name, type } of await registry.getMetricsAsJSON()) {
      const metric = registry.getSingleMetric(name) as unknown as { labelNames: string[] };
      const labels = [...metric.labelNames, ...(String(type) === 'histogram' ? ['le'] : [])];
      expected.set(name, `${type} ${labels.map((label) => `\`${label}\``).join(', ')}`.trim());
    }
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(expected));
  });
});
