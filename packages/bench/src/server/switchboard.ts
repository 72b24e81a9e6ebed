import { createServer, type Server as HttpServer } from 'node:http';
import { RedisEngine } from '@switchboard/redis';
import { WSRouter, WSServer } from '@switchboard/server';
import { cutConnection } from '@switchboard/server/testing';
import { nowUs } from '../clock.ts';
import { payloadObject } from '../payload.ts';
import { BENCH_TOPICS } from '../targets.ts';
import type { BenchServer, QueueReport, SwitchboardSettings } from './commands.ts';

/**
 * An `http.Server` whose upgrade requests can be held back (gate closed) and let through
 * later, so a client that reconnects at once can be kept offline for as long as a scenario
 * needs, without touching its reconnect settings or the hub.
 */
function gatedHttpServer(): { http: HttpServer; gate: (open: boolean) => number } {
  const http = createServer();
  let open = true;
  const held: unknown[][] = [];
  const emit = http.emit.bind(http) as (event: string | symbol, ...args: unknown[]) => boolean;
  http.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'upgrade' && !open) {
      held.push(args);
      return true;
    }
    return emit(event, ...args);
  }) as typeof http.emit;
  return {
    http,
    gate: (next) => {
      open = next;
      if (!open) return 0;
      const released = held.splice(0);
      for (const args of released) emit('upgrade', ...args);
      return released.length;
    },
  };
}

/**
 * The hub as users run it: WSServer and WSRouter with their defaults, except a connection
 * limit above the 10k subscribers (plus publisher and warm-up connections) the scenarios open
 * and what `settings` changes (history size, queue size, a Redis engine) for the replay,
 * slow-consumer and cluster scenarios.
 */
export async function startSwitchboard(settings: SwitchboardSettings = {}): Promise<BenchServer> {
  const gated = settings.gate ? gatedHttpServer() : undefined;
  const server = new WSServer({
    maxConnections: 30_000,
    // No KPI snapshots on $metrics: a `#` subscriber would get them as events (RabbitMQ
    // matching has no rule for `$` topics), and every scenario counts exactly what was published.
    metricsIntervalMs: 0,
    ...(settings.deflate ? { perMessageDeflate: { threshold: 0 } } : {}),
    ...(gated ? { server: gated.http } : { port: 0, host: '127.0.0.1' }),
  });
  const redis = settings.redis;
  const router = new WSRouter(server, {
    ...(redis ? { engine: new RedisEngine({ ...redis, historySize: settings.historySize }) } : {}),
    ...(settings.queueSize !== undefined ? { queueSize: settings.queueSize } : {}),
    ...(settings.historySize !== undefined && !redis
      ? { history: { historySize: settings.historySize } }
      : {}),
  });
  router.on('error', (error) => process.stderr.write(`[switchboard] router error: ${error}\n`));
  server.on('error', (error) => process.stderr.write(`[switchboard] server error: ${error}\n`));
  let droppedEvents = 0;
  if (settings.countDrops) {
    router.on('message-dropped', () => {
      droppedEvents += 1;
    });
  }
  if (gated) {
    gated.http.on('request', (request, response) => {
      if (!server.handleHttpRequest(request, response)) response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => gated.http.listen(0, '127.0.0.1', resolve));
  }
  await server.start();
  let sequence = 0;
  return {
    port: server.port,
    counters: () => {
      const stats = router.stats();
      return {
        connections: server.health().connections,
        subscriptions: stats.subscriptions,
        publishes: stats.published,
        deliveries: stats.delivered,
        dropped: stats.dropped,
        droppedEvents,
      };
    },
    control: {
      gate: (open) => {
        if (!gated) throw new Error('the server was started without a gate');
        return gated.gate(open);
      },
      cut: (connectionId) => cutConnection(server, connectionId),
      publishBatch: async (count) => {
        const started = performance.now();
        const firstSequence = sequence;
        const acks = [];
        for (let i = 0; i < count; i++) {
          const s = sequence++;
          acks.push(
            router.publish(BENCH_TOPICS[s % BENCH_TOPICS.length]!, payloadObject(s, nowUs())),
          );
        }
        const results = await Promise.all(acks);
        return {
          count,
          firstOffset: results[0]?.offset ?? 0,
          lastOffset: results.at(-1)?.offset ?? 0,
          firstSequence,
          ms: performance.now() - started,
        };
      },
      queues: (): QueueReport => {
        const report: QueueReport = {
          connections: 0,
          maxQueuedMessages: 0,
          maxQueuedBytes: 0,
          totalQueuedBytes: 0,
          dropped: 0,
          connectionsWithDrops: 0,
        };
        for (const client of server.getConnectedClients()) {
          report.connections += 1;
          report.maxQueuedMessages = Math.max(report.maxQueuedMessages, client.queuedMessages);
          report.maxQueuedBytes = Math.max(report.maxQueuedBytes, client.queuedBytes);
          report.totalQueuedBytes += client.queuedBytes;
          report.dropped += client.dropped;
          if (client.dropped > 0) report.connectionsWithDrops += 1;
        }
        return report;
      },
    },
  };
}
