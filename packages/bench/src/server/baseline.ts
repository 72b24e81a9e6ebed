import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import * as wsModule from 'ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { PUB_PATH } from '../targets.ts';
import type { BenchServer } from './commands.ts';

/** `Sender.frame` is public in `ws` but missing from @types/ws. */
interface SenderStatic {
  frame(
    data: Buffer,
    options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
  ): Buffer[];
}
const Sender = (wsModule as unknown as { Sender: SenderStatic }).Sender;

const BATCH = 20;
const TEXT = 0x1;

interface Subscriber {
  ws: WebSocket;
  socket: Duplex;
  index: number;
}

function frameOnce(data: Buffer): Buffer {
  const parts = Sender.frame(data, {
    fin: true,
    opcode: TEXT,
    mask: false,
    readOnly: false,
    rsv1: false,
  });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * The raw `ws` baselines. Subscribers connect to any path but PUB_PATH; every message from a
 * publisher is fanned out to every subscriber:
 * - b0: `ws.send(buffer)` per subscriber (ws frames and writes it each time);
 * - b1: framed once, the same frame written to each subscriber's socket;
 * - b2: framed once, frames of 20 messages concatenated into one write per socket.
 */
export async function startBaseline(kind: 'b0' | 'b1' | 'b2'): Promise<BenchServer> {
  const subscribers: Subscriber[] = [];
  let publishes = 0;
  let writes = 0;
  let deliveries = 0;
  let batches = 0;

  const remove = (subscriber: Subscriber) => {
    const last = subscribers.pop()!;
    if (last !== subscriber) {
      subscribers[subscriber.index] = last;
      last.index = subscriber.index;
    }
  };

  let pending: Buffer[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (pending.length === 0) return;
    const batch = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    batches += 1;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.socket.write(batch);
    writes += subscribers.length;
    deliveries += pending.length * subscribers.length;
    pending = [];
  };

  const fanOut =
    kind === 'b0'
      ? (data: Buffer) => {
          for (let i = 0; i < subscribers.length; i++) subscribers[i]!.ws.send(data);
          writes += subscribers.length;
          deliveries += subscribers.length;
        }
      : kind === 'b1'
        ? (data: Buffer) => {
            const frame = frameOnce(data);
            for (let i = 0; i < subscribers.length; i++) subscribers[i]!.socket.write(frame);
            writes += subscribers.length;
            deliveries += subscribers.length;
          }
        : (data: Buffer) => {
            pending.push(frameOnce(data));
            if (pending.length >= BATCH) flush();
            else if (!flushScheduled) {
              flushScheduled = true;
              setImmediate(flush);
            }
          };

  const http = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const accept = (ws: WebSocket, socket: Duplex, isPublisher: boolean) => {
    ws.on('error', () => {});
    if (isPublisher) {
      ws.on('message', (data) => {
        publishes += 1;
        fanOut(data as Buffer);
      });
      return;
    }
    // Registered before the 101 reaches the client: connected means subscribed.
    const subscriber: Subscriber = { ws, socket, index: subscribers.length };
    subscribers.push(subscriber);
    ws.on('close', () => remove(subscriber));
  };
  http.on('upgrade', (request, socket, head) => {
    // Nothing below may close over `request`: a baseline keeps no upgrade request alive.
    const isPublisher = request.url === PUB_PATH;
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, socket, isPublisher));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    counters: () => ({
      subscribers: subscribers.length,
      publishes,
      deliveries,
      writes,
      batches,
    }),
  };
}
