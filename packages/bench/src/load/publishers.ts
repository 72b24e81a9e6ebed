import { CURRENT_PROTOCOL_VERSION, subprotocolFor } from '@switchboard/protocol';
import { io } from 'socket.io-client';
import { payloadObject, payloadText } from '../payload.ts';
import { BENCH_TOPICS, PUB_PATH, type TargetId } from '../targets.ts';
import type { PublisherTotals } from './commands.ts';
import { pubCommand } from './nats-protocol.ts';
import { NatsWsConnection } from './nats-ws.ts';
import { RawWebSocket } from './raw-ws.ts';

/** Sends publish number `sequence`, stamped with `scheduledUs`, to the server under test. */
export interface LoadPublisher {
  publish(sequence: number, scheduledUs: number): void;
  totals(): PublisherTotals;
  /** Bytes written but not yet handed to the kernel (for a flood that writes while it can). */
  buffered(): number;
}

async function baselinePublisher(port: number): Promise<LoadPublisher> {
  const ws = await RawWebSocket.connect({ port, path: PUB_PATH });
  let sent = 0;
  return {
    publish: (sequence, scheduledUs) => {
      ws.send(payloadText(sequence, scheduledUs));
      sent += 1;
    },
    totals: () => ({ sent, acked: 0, errors: 0 }),
    buffered: () => ws.socket.writableLength,
  };
}

const ACK_MARK = Buffer.from('"type":"ack"');
const ERROR_MARK = Buffer.from('"type":"error"');

/** `publish` frames over a raw socket after hello/welcome; acks are counted, not parsed. */
async function switchboardPublisher(port: number): Promise<LoadPublisher> {
  const ws = await RawWebSocket.connect({
    port,
    protocol: subprotocolFor(CURRENT_PROTOCOL_VERSION),
  });
  let sent = 0;
  let acked = 0;
  let errors = 0;
  let firstError: string | undefined;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no welcome within 30 s')), 30_000);
    ws.onMessage = (buf, start, end) => {
      const frame = JSON.parse(buf.toString('utf8', start, end)) as { type: string };
      if (frame.type === 'welcome') {
        clearTimeout(timer);
        resolve();
      }
    };
    ws.send(JSON.stringify({ type: 'hello', versions: [CURRENT_PROTOCOL_VERSION] }));
  });
  ws.onMessage = (buf, start, end) => {
    const at = buf.indexOf(ACK_MARK, start);
    if (at !== -1 && at < end) {
      acked += 1;
      return;
    }
    const bad = buf.indexOf(ERROR_MARK, start);
    if (bad !== -1 && bad < end) {
      errors += 1;
      firstError ??= buf.toString('utf8', start, Math.min(end, start + 300));
    }
  };
  const run = Date.now().toString(36);
  return {
    publish: (sequence, scheduledUs) => {
      const topic = BENCH_TOPICS[sequence % BENCH_TOPICS.length]!;
      ws.send(
        `{"type":"publish","id":"${run}-${sequence}","topic":"${topic}","data":${payloadText(sequence, scheduledUs)}}`,
      );
      sent += 1;
    },
    totals: () => ({ sent, acked, errors, ...(firstError ? { firstError } : {}) }),
    buffered: () => ws.socket.writableLength,
  };
}

async function socketIoPublisher(port: number): Promise<LoadPublisher> {
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { role: 'pub' },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  let sent = 0;
  return {
    publish: (sequence, scheduledUs) => {
      socket.emit('publish', payloadObject(sequence, scheduledUs));
      sent += 1;
    },
    totals: () => ({ sent, acked: 0, errors: 0 }),
    buffered: () => 0,
  };
}

/** Core NATS PUBs over the raw WebSocket client (no acks: core NATS has none). */
async function natsPublisher(port: number): Promise<LoadPublisher> {
  const conn = await NatsWsConnection.connect(port);
  let sent = 0;
  return {
    publish: (sequence, scheduledUs) => {
      const topic = BENCH_TOPICS[sequence % BENCH_TOPICS.length]!;
      conn.send(pubCommand(topic, payloadText(sequence, scheduledUs)));
      sent += 1;
    },
    totals: () => ({
      sent,
      acked: 0,
      errors: conn.errors.length,
      ...(conn.errors[0] ? { firstError: conn.errors[0] } : {}),
    }),
    buffered: () => conn.ws.socket.writableLength,
  };
}

export function connectPublisher(target: TargetId, port: number): Promise<LoadPublisher> {
  switch (target) {
    case 'b0':
    case 'b1':
    case 'b2':
      return baselinePublisher(port);
    case 'socketio':
      return socketIoPublisher(port);
    case 'switchboard':
      return switchboardPublisher(port);
    case 'nats':
      return natsPublisher(port);
  }
}
