import { WSClient } from '@switchboard/client';
import { CURRENT_PROTOCOL_VERSION, parseServerFrame, subprotocolFor } from '@switchboard/protocol';
import { io } from 'socket.io-client';
import { nowUs } from '../clock.ts';
import { type Payload, readScheduledUs } from '../payload.ts';
import { BENCH_PATTERN, NATS_BENCH_SUBJECT, SUB_PATH, type TargetId } from '../targets.ts';
import { NatsWsConnection } from './nats-ws.ts';
import { helloAndSubscribe } from './raw-handshake.ts';
import { RawWebSocket } from './raw-ws.ts';
import { Samples } from './samples.ts';

/** One subscriber of the load side, whatever its transport. */
export interface LoadSubscriber {
  /** Messages (Switchboard: `event` frames) received. */
  count: number;
  /** Switchboard `dropped` notices received. */
  dropped: number;
  close(): void;
  /** Stop reading the socket (a stalled consumer), and read again. Raw subscribers only. */
  pause?(): void;
  resume?(): void;
}

/** Shared by all subscribers of a process: latency recording and sample checks. */
export class Recorder {
  /** Record latency for messages scheduled at or after this time; Infinity = off. */
  measureFromUs = Number.POSITIVE_INFINITY;
  readonly samples = new Samples();
  sampled = 0;
  readonly errors: string[] = [];
  /** Receipt time of the chunk being parsed (raw subscribers read the clock once per chunk). */
  chunkUs = 0;

  get recording(): boolean {
    return this.measureFromUs !== Number.POSITIVE_INFINITY;
  }

  error(message: string): void {
    if (this.errors.length < 10) this.errors.push(message);
  }
}

const EVENT_PREFIX = Buffer.from('{"type":"event"');
const EVENT_MARK = Buffer.from('"type":"event"');
const DROPPED_MARK = Buffer.from('"type":"dropped"');

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/** `"type":"event"` occurrences in buf[start, end): one per event frame, cheaply. */
function countOccurrences(buf: Buffer, start: number, end: number, mark: Buffer): number {
  let n = 0;
  let at = buf.indexOf(mark, start);
  while (at !== -1 && at + mark.length <= end) {
    n += 1;
    at = buf.indexOf(mark, at + mark.length);
  }
  return n;
}

/** Checks the payload sequence of one subscriber: each message is the previous one plus 1. */
class SequenceCheck {
  #last = -1;
  constructor(
    readonly recorder: Recorder,
    readonly label: string,
  ) {}

  see(sequence: number): void {
    this.recorder.sampled += 1;
    if (this.#last !== -1 && sequence !== this.#last + 1) {
      this.recorder.error(`${this.label}: payload ${sequence} after ${this.#last}`);
    }
    this.#last = sequence;
  }
}

export interface SubscriberFactoryOptions {
  port: number;
  recorder: Recorder;
  /** Parse and check every message of this subscriber in full. */
  sampled: boolean;
  label: string;
  /** What to subscribe to instead of the bench pattern (Switchboard and NATS subscribers). */
  pattern?: string;
  /** Offer permessage-deflate (Switchboard raw subscribers). */
  deflate?: boolean;
}

function rawSubscriber(ws: RawWebSocket): LoadSubscriber {
  return {
    count: 0,
    dropped: 0,
    close: () => ws.close(),
    // With `onread`, pause() stops reading at once (readStop): the kernel buffers fill up and
    // the server's writes back up, as with a consumer that stopped reading.
    pause: () => ws.socket.pause(),
    resume: () => ws.socket.resume(),
  };
}

/** A raw-WebSocket subscriber of the `ws` baselines: every data frame is one message. */
async function baselineSubscriber(options: SubscriberFactoryOptions): Promise<LoadSubscriber> {
  const { recorder } = options;
  const ws = await RawWebSocket.connect({ port: options.port, path: SUB_PATH });
  const sub = rawSubscriber(ws);
  const check = options.sampled ? new SequenceCheck(recorder, options.label) : undefined;
  ws.onChunk = () => {
    if (recorder.recording) recorder.chunkUs = nowUs();
  };
  ws.onMessage = (buf, start, end) => {
    sub.count += 1;
    if (recorder.recording) {
      const t = readScheduledUs(buf, start, end);
      if (t >= recorder.measureFromUs) recorder.samples.push(recorder.chunkUs - t);
    }
    if (check) {
      try {
        check.see((JSON.parse(buf.toString('utf8', start, end)) as Payload).s);
      } catch (error) {
        recorder.error(`${options.label}: unparsable message (${String(error)})`);
      }
    }
  };
  return sub;
}

/**
 * A raw-WebSocket Switchboard subscriber: hello, subscribe to `bench.#`, wait for the ack,
 * then count `event` frames by their `"type":"event"` marker instead of parsing them.
 */
async function switchboardSubscriber(options: SubscriberFactoryOptions): Promise<LoadSubscriber> {
  const { recorder } = options;
  const ws = await RawWebSocket.connect({
    port: options.port,
    protocol: subprotocolFor(CURRENT_PROTOCOL_VERSION),
    deflate: options.deflate === true,
  });
  const sub = rawSubscriber(ws);
  await helloAndSubscribe(ws, options.pattern ?? BENCH_PATTERN);
  const check = options.sampled ? new SequenceCheck(recorder, options.label) : undefined;
  let sampledFrames = 0;
  ws.onChunk = () => {
    if (recorder.recording) recorder.chunkUs = nowUs();
  };
  ws.onMessage = (buf, start, end) => {
    const events = startsWith(buf, start, end, EVENT_PREFIX)
      ? 1
      : countOccurrences(buf, start, end, EVENT_MARK);
    if (events === 0) {
      if (countOccurrences(buf, start, end, DROPPED_MARK) > 0) sub.dropped += 1;
      return;
    }
    sub.count += events;
    if (recorder.recording) {
      const t = readScheduledUs(buf, start, end);
      if (t >= recorder.measureFromUs) recorder.samples.push(recorder.chunkUs - t);
    }
    if (check && events === 1) {
      const text = buf.toString('utf8', start, end);
      // Full schema validation on a sample of the sample; JSON for every message.
      if (sampledFrames++ % 50 === 0) {
        const parsed = parseServerFrame(text);
        if (!parsed.ok || parsed.frame.type !== 'event') {
          recorder.error(`${options.label}: not a valid event frame: ${text.slice(0, 120)}`);
          return;
        }
      }
      const frame = JSON.parse(text) as { topic: string; data: Payload };
      if (!frame.topic.startsWith(options.pattern ? '' : 'bench.'))
        recorder.error(`${options.label}: topic ${frame.topic}`);
      check.see(frame.data.s);
    }
  };
  return sub;
}

/**
 * A NATS subscriber over the raw WebSocket client: CONNECT, `SUB bench.>`, a PING round trip
 * (the subscription is then in place), then every MSG is counted from its control line.
 */
async function natsSubscriber(options: SubscriberFactoryOptions): Promise<LoadSubscriber> {
  const { recorder } = options;
  const conn = await NatsWsConnection.connect(options.port);
  conn.subscribe(options.pattern ?? NATS_BENCH_SUBJECT, 1);
  await conn.flush();
  const sub = rawSubscriber(conn.ws);
  const check = options.sampled ? new SequenceCheck(recorder, options.label) : undefined;
  conn.ws.onChunk = () => {
    if (recorder.recording) recorder.chunkUs = nowUs();
  };
  conn.reader.onMsg = (_sid, buf, start, end) => {
    sub.count += 1;
    if (recorder.recording) {
      const t = readScheduledUs(buf, start, end);
      if (t >= recorder.measureFromUs) recorder.samples.push(recorder.chunkUs - t);
    }
    if (check) {
      try {
        check.see((JSON.parse(buf.toString('utf8', start, end)) as Payload).s);
      } catch (error) {
        recorder.error(`${options.label}: unparsable message (${String(error)})`);
      }
    }
  };
  return sub;
}

/** A socket.io-client subscriber: joins the room (the server says `joined`), counts `event`s. */
async function socketIoSubscriber(options: SubscriberFactoryOptions): Promise<LoadSubscriber> {
  const { recorder } = options;
  const socket = io(`http://127.0.0.1:${options.port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 30_000,
    auth: { role: 'sub' },
  });
  const sub: LoadSubscriber = { count: 0, dropped: 0, close: () => socket.disconnect() };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no joined within 30 s')), 30_000);
    socket.once('joined', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  // socket.io-client parses every message anyway, so every subscriber checks its sequence.
  const check = new SequenceCheck(recorder, options.label);
  socket.on('event', (data: Payload) => {
    sub.count += 1;
    if (recorder.recording && data.t >= recorder.measureFromUs) {
      recorder.samples.push(nowUs() - data.t);
    }
    check.see(data.s);
  });
  return sub;
}

/**
 * The real client as one of the subscribers, checking what the raw subscribers cannot cheaply:
 * per-topic sequence numbers without gaps, offsets increasing, payloads in publish order.
 */
export async function witnessSubscriber(
  options: SubscriberFactoryOptions,
): Promise<LoadSubscriber & { errors: string[]; events: number }> {
  const client = new WSClient({
    url: `ws://127.0.0.1:${options.port}`,
    reconnect: false,
    clientName: '@switchboard/bench witness',
  });
  const errors: string[] = [];
  const fail = (message: string) => {
    if (errors.length < 10) errors.push(message);
  };
  const sub = {
    count: 0,
    dropped: 0,
    events: 0,
    errors,
    close: () => {
      client.disconnect().catch(() => {});
    },
  };
  const sequences = new Map<string, number>();
  let lastOffset = 0;
  let lastPayload = -1;
  client.on('event', (event) => {
    sub.count += 1;
    sub.events += 1;
    const previous = sequences.get(event.topic);
    if (previous !== undefined && event.sequenceNumber !== previous + 1) {
      fail(`${event.topic}: sequenceNumber ${event.sequenceNumber} after ${previous}`);
    }
    sequences.set(event.topic, event.sequenceNumber);
    if (event.offset <= lastOffset) fail(`offset ${event.offset} after ${lastOffset}`);
    lastOffset = event.offset;
    const s = (event.data as Payload).s;
    if (lastPayload !== -1 && s !== lastPayload + 1) fail(`payload ${s} after ${lastPayload}`);
    lastPayload = s;
  });
  client.on('dropped', () => {
    sub.dropped += 1;
  });
  await client.connect();
  await client.subscribe(BENCH_PATTERN);
  return sub;
}

export function subscriberFactory(
  target: TargetId,
): (options: SubscriberFactoryOptions) => Promise<LoadSubscriber> {
  switch (target) {
    case 'b0':
    case 'b1':
    case 'b2':
      return baselineSubscriber;
    case 'socketio':
      return socketIoSubscriber;
    case 'switchboard':
      return switchboardSubscriber;
    case 'nats':
      return natsSubscriber;
  }
}
