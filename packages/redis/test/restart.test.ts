import { afterEach, expect, it } from 'vitest';
import type { RedisEngine, RedisEngineOptions } from '../src/index.ts';
import { engineFixture, eventually, range, reasons, record } from './support/engines.ts';
import type { RedisProcess } from './support/redis-process.ts';
import { describeWithRedisServer } from './support/redis-service.ts';

const ALWAYS = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
const EVERYSEC = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''];
const NO_PERSISTENCE = ['--save', '', '--appendonly', 'no'];

const engines = engineFixture();
afterEach(() => engines.closeAll());

async function appendMany(engine: RedisEngine, count: number, from = 0) {
  return Promise.all(
    range(from + 1, from + count).map((i) =>
      engine.append({ id: `m${i}`, topic: `task.${i % 7}.progress`, data: { i } }),
    ),
  );
}

describeWithRedisServer('a Redis restart', () => {
  it('keeps every acknowledged entry and the epoch after kill -9 with appendfsync always', async () => {
    const server = await engines.startServer(ALWAYS);
    const { engine, errors } = engines.make({ url: server.url });
    await engine.open();
    const seen = record(engine);
    const { epoch } = engine;
    const acked = (await appendMany(engine, 200)).map((outcome) => outcome.entry);
    await seen.until((got) => got.length === 200);
    await server.kill();
    await server.restart();
    // The node reconnects by itself; its next append continues the log.
    await eventually(() => expect(engine.health().ok).toBe(true));
    const next = await engine.append({ id: 'after', topic: 'task.1.progress', data: 'after' });
    expect(next.entry).toMatchObject({ epoch, offset: 201 });
    await seen.until((got) => got.length === 201);
    expect(seen.offsets()).toEqual(range(1, 201));
    const read = await engine.read({ after: 0, patterns: ['#'], limit: 1000 });
    expect(read.complete).toBe(true);
    expect(read.entries).toEqual([...acked.sort((a, b) => a.offset - b.offset), next.entry]);
    // A node that starts now finds the same log.
    const { engine: late } = engines.peer(engine, { url: server.url });
    await late.open();
    expect(late.head()).toEqual({ epoch, offset: 201 });
    expect(reasons(errors)).toEqual([]);
  });

  it('starts a new epoch when Redis restarts without persistence, so an old position is incomplete', async () => {
    const server = await engines.startServer(NO_PERSISTENCE);
    const { engine, errors } = engines.make({ url: server.url });
    await engine.open();
    const seen = record(engine);
    const changes: string[] = [];
    engine.on('epoch-changed', ({ epoch }) => changes.push(epoch));
    const old = engine.epoch;
    await appendMany(engine, 5);
    await seen.until((got) => got.length === 5);
    await server.kill();
    await server.restart();
    await eventually(() => expect(engine.epoch).not.toBe(old));
    expect(changes).toEqual([engine.epoch]);
    expect(reasons(errors)).toEqual(['epoch-changed']);
    // A client resuming at offset 3 of the old log must resync: the hub sees another epoch,
    // and the offset read as incomplete.
    expect(await engine.read({ after: 3, patterns: ['#'], limit: 10 })).toMatchObject({
      entries: [],
      complete: false,
    });
    const first = await engine.append({ id: 'new', topic: 'task.1.progress', data: 1 });
    expect(first.entry).toMatchObject({ epoch: engine.epoch, offset: 1, sequenceNumber: 1 });
    await seen.until((got) => got.length === 6);
    expect(seen.entries.at(-1)).toEqual(first.entry);
  });

  it('starts a new epoch after a restart with appendfsync everysec, which may have lost the last second', async () => {
    const engine = await crashIntoNewEpoch(EVERYSEC, {}, async (server, node) => {
      await appendMany(node, 20);
      await server.kill();
    });
    expect((await engine.read({ after: 0, patterns: ['#'], limit: 10 })).head).toBe(0);
  });

  it("starts a new epoch when the restarted Redis holds less than this node saw, even with restartPolicy 'trust'", async () => {
    await crashIntoNewEpoch(NO_PERSISTENCE, { restartPolicy: 'trust' }, async (server, node) => {
      await appendMany(node, 5);
      // A snapshot of offset 5; the next five are only in memory when the server dies.
      await snapshot(server);
      await appendMany(node, 5, 5);
      await eventually(() => expect(node.head().offset).toBe(10));
      await server.kill();
    });
  });

  it("keeps the epoch with restartPolicy 'trust' when the restarted Redis holds everything", async () => {
    const server = await engines.startServer(NO_PERSISTENCE);
    const { engine, errors } = engines.make({ url: server.url, restartPolicy: 'trust' });
    await engine.open();
    const { epoch } = engine;
    await appendMany(engine, 5);
    await eventually(() => expect(engine.head().offset).toBe(5));
    await snapshot(server);
    await server.kill();
    await server.restart();
    const next = await eventuallyAppend(engine);
    expect(next.entry).toMatchObject({ epoch, offset: 6 });
    expect(reasons(errors)).toEqual([]);
  });

  it("starts a new epoch with restartPolicy 'reset' even when appendfsync always kept the log", async () => {
    await crashIntoNewEpoch(ALWAYS, { restartPolicy: 'reset' }, async (server, node) => {
      await appendMany(node, 3);
      await server.kill();
    });
  });
});

/**
 * Starts a server with `args` and a node on it, lets `crash` append and kill it, restarts
 * the server, and checks the node moved to a new epoch and said so, and nothing else.
 */
async function crashIntoNewEpoch(
  args: string[],
  options: RedisEngineOptions,
  crash: (server: RedisProcess, node: RedisEngine) => Promise<void>,
): Promise<RedisEngine> {
  const server = await engines.startServer(args);
  const { engine, errors } = engines.make({ ...options, url: server.url });
  await engine.open();
  const old = engine.epoch;
  await crash(server, engine);
  await server.restart();
  await eventually(() => expect(engine.epoch).not.toBe(old));
  expect(reasons(errors)).toEqual(['epoch-changed']);
  return engine;
}

/** Writes dump.rdb now (SAVE), so a restart without AOF loads this state. */
async function snapshot(server: RedisProcess): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const client = new Redis(server.url);
  try {
    await client.save();
  } finally {
    client.disconnect();
  }
}

/** Appends once the engine's command connection is back. */
async function eventuallyAppend(engine: RedisEngine) {
  await eventually(() => expect(engine.health().ok).toBe(true));
  return engine.append({ id: 'after', topic: 'task.1.progress', data: 'after' });
}
