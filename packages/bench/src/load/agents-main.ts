/**
 * Many-publishers load process: `count` agent connections, agent i publishing to
 * `agent.<i>.status` and subscribed to it. Each agent runs its own closed loop: with acks,
 * the next publish leaves when the ack of the previous one arrives; without acks, at most
 * `window` publishes whose echo (the agent's own subscription) has not come back.
 */
import { nowUs } from '../clock.ts';
import { childConfig, cpuMicros, emit, serve } from '../process/child-runtime.ts';
import { type AgentConnection, connectAgent, modeAcks } from './agents.ts';
import type { AgentsCommands, AgentsConfig, AgentsTotals } from './commands.ts';
import { Samples } from './samples.ts';

const config = childConfig<AgentsConfig>();
const acks = modeAcks(config.mode);
const agents: AgentConnection[] = [];
const samples = new Samples();
let recording = false;
let running = false;
let window = 1;
const totals = {
  sent: 0,
  acked: 0,
  echoes: 0,
  errors: 0,
  firstError: undefined as string | undefined,
};

/** Per agent: publishes sent, publishes completed (acked; acks off: echoed). */
const sent = new Float64Array(config.count);
const done = new Float64Array(config.count);
/** Send times of the publishes in flight, a ring of `ringSize` per agent. */
let ringSize = 1;
let sentAt = new Float64Array(config.count);

/**
 * The wildcard subscribers' slowest count, relayed by the orchestrator: publishes from all
 * processes, of which this process's share is about `share` (every agent runs the same loop).
 */
let wildcardMin = 0;
const share = config.count / config.publishers;
/** Agents whose next publish waits for the wildcard subscribers to catch up. */
const waiting: number[] = [];

function allowed(): boolean {
  return totals.sent - wildcardMin * share < config.budget * share;
}

function sendOrWait(i: number): void {
  if (allowed()) send(i);
  else waiting.push(i);
}

function send(i: number): void {
  const now = nowUs();
  const k = sent[i]!;
  sentAt[i * ringSize + (k % ringSize)] = now;
  sent[i] = k + 1;
  totals.sent += 1;
  agents[i]!.publish(k, now);
}

function complete(i: number): void {
  const k = done[i]!;
  if (k >= sent[i]!) return; // an echo of a publish from before a restart: nothing in flight
  done[i] = k + 1;
  if (recording) samples.push(nowUs() - sentAt[i * ringSize + (k % ringSize)]!);
  if (running && sent[i]! - done[i]! < window) sendOrWait(i);
}

async function connectAll(port: number): Promise<{ connected: number; ms: number }> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < config.count) {
      const i = next++;
      agents[i] = await connectAgent(config.mode, port, config.first + i, {
        ack: () => {
          totals.acked += 1;
          if (acks) complete(i);
        },
        echo: () => {
          totals.echoes += 1;
          if (!acks) complete(i);
        },
        error: (message) => {
          totals.errors += 1;
          totals.firstError ??= message.slice(0, 300);
          // A refused publish is answered too: let the loop go on.
          if (acks) complete(i);
        },
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, config.count) }, worker));
  return { connected: agents.length, ms: Math.round(performance.now() - started) };
}

function snapshot(): AgentsTotals {
  const { firstError, ...rest } = totals;
  return { ...rest, ...(firstError ? { firstError } : {}) };
}

serve<AgentsCommands>(
  {
    connect: ({ port }) => connectAll(port),
    start: (args) => {
      window = acks ? 1 : Math.max(1, args.window);
      ringSize = window;
      sentAt = new Float64Array(config.count * ringSize);
      running = true;
      for (let k = 0; k < window; k++) {
        for (let i = 0; i < agents.length; i++) sendOrWait(i);
      }
      return null;
    },
    stop: () => {
      running = false;
      return snapshot();
    },
    totals: () => snapshot(),
    mark: () => ({
      hrUs: nowUs(),
      cpuUs: cpuMicros(),
      total: totals.sent,
      acked: totals.acked,
      echoes: totals.echoes,
    }),
    arm: () => {
      samples.clear();
      recording = true;
      return null;
    },
    latency: () => {
      recording = false;
      return { samples: samples.toArray() };
    },
  },
  {
    wildcard: (args: { min: number }) => {
      if (args.min > wildcardMin) wildcardMin = args.min;
      while (running && waiting.length > 0 && allowed()) send(waiting.shift()!);
    },
  },
);

emit('ready');
