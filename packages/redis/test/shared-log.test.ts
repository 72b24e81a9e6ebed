import { afterEach, expect, it } from 'vitest';
import { engineFixture, range, record } from './support/engines.ts';
import { describeWithRedis, probeRedis } from './support/redis-service.ts';

const redis = await probeRedis();

describeWithRedis('two nodes on one log', redis, () => {
  const engines = engineFixture();
  afterEach(() => engines.closeAll());

  it('interleave their appends into one offset order that every listener sees', async () => {
    const { engine: a, errors } = engines.make();
    await a.open();
    const { engine: b } = engines.peer(a);
    await b.open();
    const listeners = [record(a), record(a), record(b), record(b)];
    const outcomes = await Promise.all(
      range(1, 400).map((i) =>
        (i % 2 === 0 ? a : b).append({ id: `m${i}`, topic: `agent.${i % 5}.status`, data: i }),
      ),
    );
    const byOffset = outcomes.map((o) => o.entry).sort((x, y) => x.offset - y.offset);
    expect(byOffset.map((entry) => entry.offset)).toEqual(range(1, 400));
    // Both nodes' appends are spread through the order, not one block after the other.
    const fromA = byOffset.filter((entry) => (entry.data as number) % 2 === 0);
    expect(fromA[0]!.offset).toBeLessThan(50);
    expect(fromA.at(-1)!.offset).toBeGreaterThan(350);
    for (const seen of listeners) {
      await seen.until((got) => got.length === 400);
      expect(seen.entries).toEqual(byOffset);
    }
    for (let topic = 0; topic < 5; topic++) {
      const sequences = byOffset
        .filter((entry) => entry.topic === `agent.${topic}.status`)
        .map((entry) => entry.sequenceNumber);
      expect(sequences).toEqual(range(1, 80));
    }
    expect(errors).toEqual([]);
  });
});
