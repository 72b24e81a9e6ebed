import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { ROOM } from '../targets.ts';
import type { BenchServer } from './commands.ts';

/**
 * Socket.IO 4 with its defaults, websocket transport only (no long-polling). Subscribers
 * (auth role "sub") join one room and are told `joined`; each `publish` from the publisher
 * (auth role "pub") is re-emitted to the room as `event`.
 */
export async function startSocketIo(): Promise<BenchServer> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false });
  let publishes = 0;
  let subscribers = 0;
  io.on('connection', (socket) => {
    if ((socket.handshake.auth as { role?: string }).role === 'pub') {
      socket.on('publish', (data: unknown) => {
        publishes += 1;
        io.to(ROOM).emit('event', data);
      });
      return;
    }
    socket.join(ROOM);
    subscribers += 1;
    socket.on('disconnect', () => {
      subscribers -= 1;
    });
    socket.emit('joined');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    counters: () => ({ subscribers, publishes, deliveries: publishes * subscribers }),
  };
}
