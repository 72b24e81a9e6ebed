/**
 * Probe child process: one quiet Switchboard connection that pings the hub at a steady pace
 * and records each pong's round trip, to see what a flood does to everyone else.
 */
import { createHistogram } from 'node:perf_hooks';
import { CURRENT_PROTOCOL_VERSION, subprotocolFor } from '@switchboard/protocol';
import { childConfig, emit, serve } from '../process/child-runtime.ts';
import type { ProbeCommands, ProbeConfig, ProbeResult } from './commands.ts';
import { RawWebSocket } from './raw-ws.ts';

childConfig<ProbeConfig>();
let socket: RawWebSocket | undefined;
const sentAt = new Map<string, number>();
let rtts = createHistogram();
let answered = 0;

async function connect(port: number): Promise<null> {
  const ws = await RawWebSocket.connect({
    port,
    protocol: subprotocolFor(CURRENT_PROTOCOL_VERSION),
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no welcome within 30 s')), 30_000);
    ws.onMessage = (buf, start, end) => {
      const frame = JSON.parse(buf.toString('utf8', start, end)) as { type: string; id?: string };
      if (frame.type === 'welcome') {
        clearTimeout(timer);
        resolve();
      } else if (frame.type === 'pong' && frame.id !== undefined) {
        const at = sentAt.get(frame.id);
        if (at === undefined) return;
        sentAt.delete(frame.id);
        rtts.record(Math.max(1, Math.round((performance.now() - at) * 1000)));
        answered += 1;
      }
    };
    ws.send(JSON.stringify({ type: 'hello', versions: [CURRENT_PROTOCOL_VERSION] }));
  });
  socket = ws;
  return null;
}

async function probe(durationMs: number, intervalMs: number): Promise<ProbeResult> {
  rtts = createHistogram();
  answered = 0;
  sentAt.clear();
  let sent = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    const id = `p${++sent}`;
    sentAt.set(id, performance.now());
    socket!.send(`{"type":"ping","id":"${id}"}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  // The last pongs: wait up to a second for them.
  const deadline = performance.now() + 1_000;
  while (sentAt.size > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const some = answered > 0;
  return {
    sent,
    answered,
    p50Us: some ? rtts.percentile(50) : 0,
    p99Us: some ? rtts.percentile(99) : 0,
    maxUs: some ? rtts.max : 0,
  };
}

serve<ProbeCommands>({
  connect: ({ port }) => connect(port),
  probe: ({ durationMs, intervalMs }) => probe(durationMs, intervalMs),
});

emit('ready');
