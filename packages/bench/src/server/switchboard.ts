import { WSRouter, WSServer } from '@switchboard/server';
import type { BenchServer } from './commands.ts';

/**
 * The hub as users run it: WSServer and WSRouter with their defaults, except a connection
 * limit above the 10k subscribers (plus publisher and warm-up connections) the scenarios open.
 */
export async function startSwitchboard(): Promise<BenchServer> {
  const server = new WSServer({ port: 0, host: '127.0.0.1', maxConnections: 30_000 });
  const router = new WSRouter(server);
  router.on('error', (error) => process.stderr.write(`[switchboard] router error: ${error}\n`));
  server.on('error', (error) => process.stderr.write(`[switchboard] server error: ${error}\n`));
  await server.start();
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
      };
    },
  };
}
