import { matches } from '@switchboard/protocol';
import { patternArb, topicArb } from '@switchboard/test-oracles';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithService, probeTcp } from '../test/support/services.ts';
import { SubscriptionIndex } from './subscription-index.ts';

/**
 * The router must agree with a real RabbitMQ topic exchange on every (pattern, topic) pair
 * (docs/design.md). Per batch: one exclusive queue per pattern bound to a fresh topic exchange;
 * every topic is published once; then a marker goes straight to each queue. Messages from
 * one channel reach a queue in publish order, so a queue's marker means all its deliveries
 * are in: no sleeps.
 */

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const probe = await probeTcp(url, 5672);

const PATTERNS_PER_BATCH = 100;
const TOPICS_PER_BATCH = 60;
const BATCHES = 2;
const seed = Number(process.env.FC_SEED ?? Date.now());

// Shapes worth covering every run, whatever the random draw.
const EDGE_PATTERNS = [
  '#',
  '*',
  '#.#',
  '#.*',
  '*.#',
  '#.#.#',
  'a.#',
  '#.a',
  'a.#.a',
  '#.a.#',
  'a.#.#.b',
];
const EDGE_TOPICS = ['a', 'b', 'a.a', 'a.b', 'a.a.a.a.a.a', 'b.a.b'];

function uniqueSample(
  arb: fc.Arbitrary<string>,
  first: string[],
  count: number,
  runSeed: number,
): string[] {
  const out = new Set(first);
  for (const value of fc.sample(arb, { seed: runSeed, numRuns: count * 20 })) {
    if (out.size >= count) break;
    out.add(value);
  }
  return [...out];
}

interface BatchResult {
  patterns: string[];
  topics: string[];
  /** pattern -> topics RabbitMQ delivered to that pattern's queue */
  delivered: Map<string, Set<string>>;
  duplicates: string[];
}

async function runBatch(
  model: ChannelModel,
  patterns: string[],
  topics: string[],
): Promise<BatchResult> {
  const publisher: ConfirmChannel = await model.createConfirmChannel();
  const consumer = await model.createChannel();
  const exchange = `switchboard.differential.${globalThis.crypto.randomUUID()}`;
  await publisher.assertExchange(exchange, 'topic', { durable: false, autoDelete: true });

  const delivered = new Map<string, Set<string>>();
  const duplicates: string[] = [];
  const queues: string[] = [];
  let markersLeft = patterns.length;
  let allMarkers!: () => void;
  const drained = new Promise<void>((resolve) => {
    allMarkers = resolve;
  });

  for (const pattern of patterns) {
    const { queue } = await consumer.assertQueue('', {
      exclusive: true,
      autoDelete: true,
      durable: false,
    });
    await consumer.bindQueue(queue, exchange, pattern);
    const got = new Set<string>();
    delivered.set(pattern, got);
    queues.push(queue);
    await consumer.consume(
      queue,
      (message) => {
        if (message === null) return;
        if (message.properties.type === 'marker') {
          if (--markersLeft === 0) allMarkers();
          return;
        }
        const topic = message.content.toString();
        // A second delivery of one topic to one queue would be a bug on either side.
        if (got.has(topic)) duplicates.push(`${topic} twice for ${pattern}`);
        got.add(topic);
      },
      { noAck: true },
    );
  }

  for (const topic of topics) publisher.publish(exchange, topic, Buffer.from(topic));
  for (const queue of queues) publisher.sendToQueue(queue, Buffer.alloc(0), { type: 'marker' });
  await publisher.waitForConfirms();
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${markersLeft} queues never got their marker`)),
      20_000,
    );
  });
  await Promise.race([drained, stuck]).finally(() => clearTimeout(timer));

  // Closing the consumer channel cancels its consumers, which deletes the auto-delete queues.
  await consumer.close();
  await publisher.deleteExchange(exchange);
  await publisher.close();
  return { patterns, topics, delivered, duplicates };
}

describeWithService(
  'RabbitMQ topic exchange differential',
  { label: 'RabbitMQ', url, probe },
  () => {
    let model: ChannelModel;

    beforeAll(async () => {
      model = await connect(url);
    });

    afterAll(async () => {
      await model?.close();
    });

    it(`agrees with matches() and SubscriptionIndex on ${BATCHES * PATTERNS_PER_BATCH * TOPICS_PER_BATCH} pairs`, async () => {
      let pairs = 0;
      let positives = 0;
      for (let batch = 0; batch < BATCHES; batch++) {
        const patterns = uniqueSample(patternArb, EDGE_PATTERNS, PATTERNS_PER_BATCH, seed + batch);
        const topics = uniqueSample(topicArb, EDGE_TOPICS, TOPICS_PER_BATCH, seed + 1000 + batch);
        const { delivered, duplicates } = await runBatch(model, patterns, topics);
        expect(duplicates).toEqual([]);

        const mismatches: string[] = [];
        const index = new SubscriptionIndex<string>();
        for (const pattern of patterns) index.add(pattern, pattern);
        for (const topic of topics) {
          const rabbit = new Set(patterns.filter((p) => delivered.get(p)!.has(topic)));
          for (const pattern of patterns) {
            const ours = matches(pattern, topic);
            if (ours !== rabbit.has(pattern)) {
              mismatches.push(`matches(${pattern}, ${topic}) = ${ours}, RabbitMQ says ${!ours}`);
            }
            pairs++;
          }
          positives += rabbit.size;
          const indexed = index.match(topic);
          if (indexed.size !== rabbit.size || [...rabbit].some((p) => !indexed.has(p))) {
            mismatches.push(
              `index.match(${topic}) = [${[...indexed]}], RabbitMQ: [${[...rabbit]}]`,
            );
          }
        }
        expect(mismatches, `FC_SEED=${seed}`).toEqual([]);
      }
      expect(pairs).toBeGreaterThanOrEqual(5000);
      // The draw must exercise both answers, or agreement would mean little.
      expect(positives).toBeGreaterThan(pairs / 20);
      expect(positives).toBeLessThan(pairs - pairs / 20);
    }, 60_000);
  },
);
