import { randomUUID } from 'node:crypto';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { WSClient } from '@switchboard/client';
import { type ClientFlags, connectClient } from '../hub/client.ts';

export interface BenchPlan {
  mode: 'fanout' | 'publishers';
  publishers: number;
  subscribers: number;
  /** Bytes of each message's data (as JSON). */
  size: number;
  /** Stop publishing after this long... */
  durationMs: number;
  /** ...or after this many messages in all, whichever comes first. */
  messages?: number | undefined;
  /** Messages per second over all publishers; as fast as acks come back when absent. */
  rate?: number | undefined;
  /** Topics are `<prefix>.p<i>`; subscribers take `<prefix>.#`. */
  prefix: string;
}

/** Counters a progress line and the final report read. */
export interface BenchProgress {
  elapsedMs: number;
  published: number;
  acked: number;
  delivered: number;
  /** Events the hub reported dropped for the subscribers (`dropped` frames). */
  dropped: number;
  failed: number;
}

export interface BenchResult extends BenchProgress {
  plan: BenchPlan;
  /** From the first publish to the last delivery. */
  deliveredForMs: number;
  /** What full delivery would be: published × subscribers. */
  expected: number;
  /** Publish to delivery, µs: perf_hooks' HdrHistogram over every delivery. */
  latency: RecordableHistogram;
}

/** Publishes each publisher keeps in flight when no `--rate` paces them. */
const WINDOW = 64;
/** Connections opened at once, so a big run does not hit the hub with one burst of upgrades. */
const CONNECT_BATCH = 50;
/** How long to wait for the last deliveries once publishing stopped. */
const DRAIN_MS = 2_000;

export function defaultPrefix(): string {
  return `bench.${randomUUID().slice(0, 8)}`;
}

function padding(size: number): string {
  const overhead = JSON.stringify({ t: 123456.789, n: 1000000, pad: '' }).length;
  return 'x'.repeat(Math.max(0, size - overhead));
}

/** Connects `count` clients into `clients` (so the caller can close those that did connect). */
async function connectAll(count: number, flags: ClientFlags, clients: WSClient[]): Promise<void> {
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    const batch = Math.min(CONNECT_BATCH, count - i);
    const results = await Promise.allSettled(
      Array.from({ length: batch }, () => connectClient(flags)),
    );
    for (const result of results) if (result.status === 'fulfilled') clients.push(result.value);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  }
}

/**
 * Runs one load: subscribers on `<prefix>.#`, publishers on their own topics, every message
 * carrying its send time (`performance.now()`, one clock: the load runs in this process), so
 * each delivery's latency is measured from just before `publish()` to the event handler.
 * `onProgress` is called about once a second.
 */
export async function runBench(
  plan: BenchPlan,
  flags: ClientFlags,
  onProgress: (progress: BenchProgress) => void,
): Promise<BenchResult> {
  const latency = createHistogram({ lowest: 1, highest: 3_600_000_000, figures: 3 });
  const counts = { published: 0, acked: 0, delivered: 0, dropped: 0, failed: 0 };
  const subscribers: WSClient[] = [];
  const publishers: WSClient[] = [];
  let lastDeliveryAt = 0;
  try {
    await connectAll(plan.subscribers, flags, subscribers);
    for (const client of subscribers) {
      client.on('event', (event) => {
        counts.delivered += 1;
        lastDeliveryAt = performance.now();
        const sentAt = (event.data as { t?: unknown } | null)?.t;
        if (typeof sentAt === 'number') {
          latency.record(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
        }
      });
      client.on('dropped', (frame) => {
        counts.dropped += frame.count;
      });
    }
    await Promise.all(subscribers.map((client) => client.subscribe(`${plan.prefix}.#`)));
    await connectAll(plan.publishers, flags, publishers);

    const pad = padding(plan.size);
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const limit = plan.messages ?? Number.POSITIVE_INFINITY;
    let publishing = true;
    const progress = () => onProgress({ elapsedMs: elapsed(), ...counts });
    const ticker = setInterval(progress, 1_000);
    const deadline = setTimeout(() => {
      publishing = false;
    }, plan.durationMs);

    const publishOne = (client: WSClient, topic: string): Promise<void> => {
      counts.published += 1;
      return client.publish(topic, { t: performance.now(), n: counts.published, pad }).then(
        () => {
          counts.acked += 1;
        },
        () => {
          counts.failed += 1;
        },
      );
    };

    const perPublisherRate = plan.rate === undefined ? undefined : plan.rate / plan.publishers;
    const loops = publishers.map(async (client, index) => {
      const topic = `${plan.prefix}.p${index}`;
      const inFlight = new Set<Promise<void>>();
      let sent = 0;
      while (publishing && counts.published < limit) {
        if (perPublisherRate !== undefined) {
          // Paced: send what is due by now, then sleep a little.
          const due = Math.floor((elapsed() / 1000) * perPublisherRate) - sent;
          for (let i = 0; i < due && counts.published < limit; i++, sent++) {
            const p = publishOne(client, topic);
            inFlight.add(p);
            void p.then(() => inFlight.delete(p));
          }
          await new Promise((r) => setTimeout(r, 5));
        } else {
          while (inFlight.size < WINDOW && counts.published < limit && publishing) {
            const p = publishOne(client, topic);
            inFlight.add(p);
            void p.then(() => inFlight.delete(p));
          }
          await Promise.race(inFlight);
        }
      }
      await Promise.all(inFlight);
    });
    await Promise.all(loops);
    clearTimeout(deadline);
    const publishedFor = elapsed();

    // Let the last deliveries arrive: until all are in, or nothing moved for a while.
    const expected = counts.acked * plan.subscribers;
    let lastDelivered = -1;
    let quietSince = performance.now();
    while (
      counts.delivered + counts.dropped < expected &&
      performance.now() - quietSince < DRAIN_MS
    ) {
      if (counts.delivered !== lastDelivered) {
        lastDelivered = counts.delivered;
        quietSince = performance.now();
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    clearInterval(ticker);
    const deliveredFor = Math.max(lastDeliveryAt - started, publishedFor);
    return {
      plan,
      ...counts,
      elapsedMs: publishedFor,
      deliveredForMs: deliveredFor,
      expected,
      latency,
    };
  } finally {
    await Promise.all([...subscribers, ...publishers].map((client) => client.disconnect()));
  }
}
