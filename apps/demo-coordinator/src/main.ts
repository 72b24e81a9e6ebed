import { WSRouter, WSServer } from '@switchboard/server';

/**
 * Starts a hub on 127.0.0.1 and prints its URL. Ctrl-C shuts it down gracefully.
 * PORT (default 7070) and HOST pick the address.
 */
const port = Number(process.env.PORT ?? 7070);
const host = process.env.HOST ?? '127.0.0.1';

const server = new WSServer({ port, host });
const router = new WSRouter(server);

server.on('authenticated', (client) => log(`client ${client.id.slice(0, 8)} connected`));
server.on('disconnection', (client, code) => log(`client ${client.id.slice(0, 8)} left (${code})`));
router.on('subscribed', (client, patterns) =>
  log(`client ${client.id.slice(0, 8)} subscribed to ${patterns.join(', ')}`),
);
router.on('published', (entry) =>
  log(`#${entry.offset} ${entry.topic} seq=${entry.sequenceNumber}`),
);

await server.start();
log(`Switchboard hub listening on ${server.url}`);
log(`health: http://${host}:${server.port}/health  stats: http://${host}:${server.port}/stats`);
log('Press Ctrl-C to stop.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    log('shutting down...');
    server
      .shutdown()
      .then(() => router.close())
      .then(() => {
        log('stopped');
        process.exit(0);
      });
  });
}

function log(message: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)} ${message}`);
}
