/**
 * Subscriber child process: opens `count` subscribers of one target, counts what they
 * receive, reports progress for the publisher's flow control, records latency when armed.
 */
import { nowUs } from '../clock.ts';
import { childConfig, cpuMicros, emit, serve } from '../process/child-runtime.ts';
import type {
  LatencySamples,
  SetAsideState,
  SubscriberCommands,
  SubscriberConfig,
  SubscriberProgress,
} from './commands.ts';
import { Samples } from './samples.ts';
import {
  type LoadSubscriber,
  Recorder,
  subscriberFactory,
  witnessSubscriber,
} from './subscribers.ts';

const config = childConfig<SubscriberConfig>();
const recorder = new Recorder();
const subscribers: LoadSubscriber[] = [];
/** Subscribers set aside as slow consumers (the last ones of `subscribers`). */
let setAside: LoadSubscriber[] = [];
let stalled = false;
let witness: Awaited<ReturnType<typeof witnessSubscriber>> | undefined;

async function connectAll(port: number): Promise<{ connected: number; ms: number }> {
  const started = performance.now();
  const create = subscriberFactory(config.target);
  const useWitness = config.witness && config.target === 'switchboard';
  if (useWitness) {
    witness = await witnessSubscriber({
      port,
      recorder,
      sampled: false,
      label: `${config.name} witness`,
    });
    subscribers.push(witness);
  }
  let next = useWitness ? 1 : 0;
  const worker = async () => {
    while (next < config.count) {
      const index = next++;
      const sub = await create({
        port,
        recorder,
        // The first subscriber of each process parses and checks everything it gets.
        sampled: config.sample !== false && (index === 0 || (useWitness && index === 1)),
        label: `${config.name}#${index}`,
        ...(config.pattern ? { pattern: config.pattern } : {}),
      });
      subscribers.push(sub);
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, config.count) }, worker));
  return { connected: subscribers.length, ms: Math.round(performance.now() - started) };
}

function progressNow(): SubscriberProgress {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let total = 0;
  for (const sub of subscribers) {
    const count = sub.count;
    if (count < min) min = count;
    if (count > max) max = count;
    total += count;
  }
  return { min: subscribers.length === 0 ? 0 : min, max, total };
}

function total(list: LoadSubscriber[] = subscribers): number {
  let sum = 0;
  for (const sub of list) sum += sub.count;
  return sum;
}

function setAsideState(): SetAsideState {
  const aside = new Set(setAside);
  const stats = (list: LoadSubscriber[]) => {
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    let dropped = 0;
    for (const sub of list) {
      min = Math.min(min, sub.count);
      max = Math.max(max, sub.count);
      dropped += sub.dropped;
    }
    return { min: list.length === 0 ? 0 : min, max, dropped };
  };
  const mine = stats(setAside);
  const others = stats(subscribers.filter((sub) => !aside.has(sub)));
  return {
    subscribers: setAside.length,
    stalled,
    ...mine,
    healthyMin: others.min,
    healthyMax: others.max,
    healthyDropped: others.dropped,
  };
}

if (config.progressMs > 0) {
  let lastMin = -1;
  let lastMax = -1;
  setInterval(() => {
    const now = progressNow();
    if (now.min !== lastMin || now.max !== lastMax) {
      lastMin = now.min;
      lastMax = now.max;
      emit('progress', now);
    }
  }, config.progressMs);
}

serve<SubscriberCommands>({
  connect: ({ port }) => connectAll(port),
  mark: () => ({
    hrUs: nowUs(),
    cpuUs: cpuMicros(),
    total: total(),
    ...(setAside.length > 0 ? { setAside: total(setAside) } : {}),
  }),
  arm: ({ measureFromUs }) => {
    recorder.samples.clear();
    recorder.measureFromUs = measureFromUs;
    return null;
  },
  finish: (args): LatencySamples => {
    recorder.measureFromUs = Number.POSITIVE_INFINITY;
    // Subscribers see messages in publish order, so one that got `count` messages got the
    // first `count`; each one it lacks has taken at least (endUs - scheduled) so far. When
    // messages were dropped instead, the missing ones are charged as the latest (smallest
    // lower bounds), which understates rather than overstates.
    const measured = args.count - args.warmupCount;
    const missing = new Samples();
    let delivered = 0;
    let dropped = 0;
    for (const sub of subscribers) {
      const got = Math.min(args.count, sub.count);
      delivered += Math.max(0, got - args.warmupCount);
      dropped += sub.dropped;
      for (let k = Math.max(got, args.warmupCount); k < args.count; k++) {
        missing.push(Math.max(1, args.endUs - (args.t0Us + k * args.intervalUs)));
      }
    }
    return {
      samples: recorder.samples.toArray(),
      missing: missing.toArray(),
      delivered,
      expected: measured * subscribers.length,
      dropped,
    };
  },
  verify: () => {
    const now = progressNow();
    let dropped = 0;
    for (const sub of subscribers) dropped += sub.dropped;
    return {
      subscribers: subscribers.length,
      ...now,
      dropped,
      sampled: recorder.sampled,
      errors: [...recorder.errors],
      ...(witness ? { witness: { events: witness.events, errors: [...witness.errors] } } : {}),
      ...(setAside.length > 0 ? { setAside: setAsideState() } : {}),
    };
  },
  setAside: ({ count }) => {
    // Never the first subscriber (it checks every message) nor the witness.
    const n = Math.max(0, Math.min(count, subscribers.length - 2));
    setAside = subscribers.slice(subscribers.length - n);
    return { setAside: setAside.length };
  },
  stall: () => {
    for (const sub of setAside) {
      if (!sub.pause) throw new Error(`${config.target} subscribers cannot be stalled`);
      sub.pause();
    }
    stalled = true;
    return { stalled: setAside.length };
  },
  resume: () => {
    for (const sub of setAside) sub.resume?.();
    stalled = false;
    return null;
  },
});

emit('ready');
