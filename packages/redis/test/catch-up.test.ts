import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { RedisEngine } from '../src/index.ts';
import type { Gap } from '../src/reader.ts';
import { logKeys } from '../src/scripts.ts';
import {
  engineFixture,
  eventually,
  expectOnlyConnectionTrouble,
  range,
  reasons,
  record,
} from './support/engines.ts';
import { deleteLogs, describeWithRedis, probeRedis, REDIS_URL } from './support/redis-service.ts';
import { TcpProxy } from './support/tcp-proxy.ts';

const redis = await probeRedis();

describeWithRedis('a node that falls behind', redis, () => {
  const engines = engineFixture();
  let admin: Redis;
  let proxy: TcpProxy | undefined;

  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterAll(() => admin.disconnect());
  afterEach(async () => {
    proxy?.thaw();
    await engines.closeAll();
    await proxy?.close();
    proxy = undefined;
  });

  /** Kills the reader connections of the log's nodes, as a network blip or a failover would. */
  async function killReaders(engine: RedisEngine): Promise<number> {
    const list = (await admin.call('CLIENT', 'LIST')) as string;
    const name = `name=switchboard:${engine.keyPrefix}:reader`;
    const ids = list
      .split('\n')
      .filter((line) => line.includes(`${name} `))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)![1]!);
    for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id);
    return ids.length;
  }

  async function publishAll(engine: RedisEngine, first: number, last: number) {
    for (const i of range(first, last)) {
      await engine.append({ id: `m${i}`, topic: `job.${i % 3}`, data: i });
    }
  }

  it('catches up after its reader connection is killed, with no entry lost or repeated', async () => {
    const { a, b, errors } = await engines.openPair();
    const seenA = record(a);
    const seenB = record(b);
    for (const first of [1, 101, 201]) {
      // Killed while appends are in flight: what lands meanwhile must still arrive, once.
      await eventually(() => expect([a.health().ok, b.health().ok]).toEqual([true, true]));
      const burst = publishAll(b, first, first + 49);
      expect(await killReaders(a)).toBe(2);
      await burst;
      await publishAll(b, first + 50, first + 99);
    }
    await seenA.until((got) => got.length >= 300);
    await seenB.until((got) => got.length >= 300);
    expect(seenA.offsets()).toEqual(range(1, 300));
    expect(seenB.entries).toEqual(seenA.entries);
    await eventually(() =>
      expect(a.health()).toMatchObject({ ok: true, head: 300, lag: 0, gaps: 0 }),
    );
    expect(a.health().reconnects).toBeGreaterThanOrEqual(3);
    expectOnlyConnectionTrouble(errors);
  });

  it('reports a gap, never a silent one, when what it missed was trimmed while it was cut off', async () => {
    proxy = await TcpProxy.start(REDIS_URL);
    const { a, b, errors } = await engines.openPair(
      { url: proxy.url, historySize: 10 },
      { historySize: 10 },
    );
    const seen = record(a);
    const gaps: Gap[] = [];
    a.on('gap', (gap) => gaps.push(gap));
    await publishAll(b, 1, 5);
    await seen.until((got) => got.length === 5);
    await proxy.cut();
    await eventually(() => expect(a.health().state).toBe('reconnecting'));
    await publishAll(b, 6, 50);
    await proxy.restore();
    await seen.until((got) => got.at(-1)?.offset === 50);
    // Offsets 6..40 left history (10 kept) before the node could read them.
    expect(gaps).toEqual([{ epoch: a.epoch, from: 6, to: 40 }]);
    expect(seen.offsets()).toEqual([...range(1, 5), ...range(41, 50)]);
    expect(reasons(errors)).toEqual(['gap']);
    // The command connection comes back on its own schedule.
    await eventually(() =>
      expect(a.health()).toMatchObject({ ok: true, gaps: 1, missedEntries: 35, head: 50, lag: 0 }),
    );
    // A client at offset 5 resuming anywhere is told to resync.
    expect((await a.read({ after: 5, patterns: ['#'], limit: 100 })).complete).toBe(false);
  });

  it('reconnects a reader whose connection went silent without closing', async () => {
    proxy = await TcpProxy.start(REDIS_URL);
    const { a, b, errors } = await engines.openPair({
      url: proxy.url,
      blockMs: 100,
      stallTimeoutMs: 1_000,
    });
    const seen = record(a);
    const stalls: number[] = [];
    a.on('stalled', ({ silentMs }) => stalls.push(silentMs));
    await publishAll(b, 1, 3);
    await seen.until((got) => got.length === 3);
    // The sockets stay open but nothing passes: only the watchdog can tell.
    proxy.freeze();
    await publishAll(b, 4, 20);
    await eventually(() => expect(a.health().state).toBe('stalled'));
    await seen.until((got) => got.length === 20);
    expect(seen.offsets()).toEqual(range(1, 20));
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toBeGreaterThan(1_000);
    await eventually(() => expect(a.health()).toMatchObject({ ok: true, stalls: 1, head: 20 }));
    expect(reasons(errors)).toEqual(['stalled']);
  });

  it("moves to a new epoch when the log's keys are deleted while it runs", async () => {
    const { a, b, errors } = await engines.openPair();
    const seen = record(a);
    await publishAll(b, 1, 3);
    await seen.until((got) => got.length === 3);
    const old = a.epoch;
    await deleteLogs([a.keyPrefix]);
    // No append needed: the reader checks the log on every turn.
    await eventually(() => expect(a.epoch).not.toBe(old));
    const { entry } = await b.append({ id: 'fresh', topic: 'job.1', data: 1 });
    expect(entry).toMatchObject({ epoch: a.epoch, offset: 1, sequenceNumber: 1 });
    await seen.until((got) => got.length === 4);
    expect(seen.entries[3]).toEqual(entry);
    expect(a.head()).toEqual({ epoch: entry.epoch, offset: 1 });
    expect(reasons(errors)).toEqual(['epoch-changed']);
  });

  it('re-checks a log whose meta names another Redis process before writing to it', async () => {
    const [, meta] = logKeys('unused');
    const { a: trusting, errors } = await engines.openPair({ restartPolicy: 'trust' });
    const metaKey = meta!.replace('unused', trusting.keyPrefix);
    const run = await admin.hget(metaKey, 'run');
    const { epoch } = trusting;
    await trusting.append({ id: 'one', topic: 'job.1', data: 1 });
    // As if the keys were restored from a dump taken under another server process.
    await admin.hset(metaKey, 'run', 'f'.repeat(40));
    const { entry } = await trusting.append({ id: 'two', topic: 'job.1', data: 2 });
    expect(entry).toMatchObject({ epoch, offset: 2 });
    expect(await admin.hget(metaKey, 'run')).toBe(run);
    expect(errors).toEqual([]);
    // Without trust (this Redis has no AOF), such a log cannot be vouched for: a new epoch.
    const { engine: verifying } = engines.make();
    await verifying.open();
    const otherMeta = meta!.replace('unused', verifying.keyPrefix);
    await verifying.append({ id: 'one', topic: 'job.1', data: 1 });
    await admin.hset(otherMeta, 'run', 'f'.repeat(40));
    const fresh = await verifying.append({ id: 'two', topic: 'job.1', data: 2 });
    expect(fresh.entry.offset).toBe(1);
    expect(fresh.entry.epoch).not.toBe(epoch);
  });
});
