import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import Redis from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { logKeys } from '../src/scripts.ts';
import { engineFixture, eventually } from './support/engines.ts';
import { describeWithRedisServer } from './support/redis-service.ts';

const engines = engineFixture();
const clients: Redis[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await engines.closeAll();
});

/** A primary and one replica, both owned by the test. */
async function primaryWithReplica() {
  // A replica's first sync starts at once, not after the default 5 s.
  const primary = await engines.startServer([
    '--save',
    '',
    '--appendonly',
    'no',
    '--repl-diskless-sync-delay',
    '0',
  ]);
  const replica = await engines.startServer([
    '--save',
    '',
    '--appendonly',
    'no',
    '--replicaof',
    '127.0.0.1',
    String(primary.port),
  ]);
  const admin = new Redis(primary.url);
  clients.push(admin);
  await eventually(async () => {
    const info = await admin.info('replication');
    expect(info).toMatch(/slave0:.*state=online/);
  });
  const replicaClient = new Redis(replica.url);
  clients.push(replicaClient);
  return { primary, replica: replicaClient };
}

describeWithRedisServer("durability: 'wait'", () => {
  it('acknowledges an append once the replica has it', async () => {
    const { primary, replica } = await primaryWithReplica();
    const { engine, errors } = engines.make({ url: primary.url, durability: 'wait' });
    await engine.open();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => engine.append({ id: `m${i}`, topic: 'a', data: i })),
    );
    const [log] = logKeys(engine.keyPrefix);
    // Every acknowledged entry is on the replica already: no waiting here.
    const onReplica = await replica.xrange(log!, '-', '+');
    expect(onReplica.map(([id]) => Number(id.split('-')[0])).sort((x, y) => x - y)).toEqual(
      outcomes.map((outcome) => outcome.entry.offset).sort((x, y) => x - y),
    );
    expect(errors).toEqual([]);
  });

  it('rejects with TIMEOUT when too few replicas confirm, and the retry is a duplicate', async () => {
    const { primary } = await primaryWithReplica();
    const { engine } = engines.make({
      url: primary.url,
      durability: 'wait',
      waitReplicas: 2,
      waitTimeoutMs: 200,
    });
    await engine.open();
    const error = await engine.append({ id: 'x', topic: 'a', data: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({
      code: ErrorCode.TIMEOUT,
      details: { offset: 1, replicas: 2 },
    });
    // The one replica there is may or may not have confirmed in time; two never can.
    expect((error as SwitchboardError).details?.acknowledged).toBeLessThan(2);
    // The entry is in the log: a retry through a node that does not wait is a duplicate.
    const { engine: peer } = engines.peer(engine, { url: primary.url });
    await peer.open();
    const retry = await peer.append({ id: 'x', topic: 'a', data: 1 });
    expect(retry).toMatchObject({ duplicate: true, entry: { offset: 1 } });
  });
});
