import { CURRENT_PROTOCOL_VERSION, subprotocolFor } from '@switchboard/protocol';
import { payloadText } from '../payload.ts';
import { agentTopic } from '../targets.ts';
import { pubCommand } from './nats-protocol.ts';
import { NatsWsConnection } from './nats-ws.ts';
import { helloAndSubscribe } from './raw-handshake.ts';
import { RawWebSocket } from './raw-ws.ts';

/**
 * Many-publishers modes: Switchboard with `ack: true` (the default) or `ack: false`, NATS
 * JetStream (PUB with a reply inbox, the stream's +ACK JSON answers) or core NATS (no acks).
 */
export const AGENT_MODES = [
  'switchboard-ack',
  'switchboard-noack',
  'nats-js',
  'nats-core',
] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

export function modeAcks(mode: AgentMode): boolean {
  return mode === 'switchboard-ack' || mode === 'nats-js';
}

export function modeTarget(mode: AgentMode): 'switchboard' | 'nats' {
  return mode.startsWith('nats') ? 'nats' : 'switchboard';
}

/** What an agent connection reports back: its acks, the echoes of its own publishes, errors. */
export interface AgentEvents {
  ack(): void;
  echo(): void;
  error(message: string): void;
}

/** One publisher connection, subscribed to its own status topic (the per-agent subscriber). */
export interface AgentConnection {
  publish(sequence: number, scheduledUs: number): void;
  close(): void;
}

const ACK_MARK = Buffer.from('"type":"ack"');
const EVENT_MARK = Buffer.from('"type":"event"');
const ERROR_MARK = Buffer.from('"type":"error"');

function occurrences(buf: Buffer, start: number, end: number, mark: Buffer): number {
  let n = 0;
  let at = buf.indexOf(mark, start);
  while (at !== -1 && at + mark.length <= end) {
    n += 1;
    at = buf.indexOf(mark, at + mark.length);
  }
  return n;
}

async function switchboardAgent(
  port: number,
  index: number,
  acks: boolean,
  events: AgentEvents,
): Promise<AgentConnection> {
  const ws = await RawWebSocket.connect({
    port,
    protocol: subprotocolFor(CURRENT_PROTOCOL_VERSION),
  });
  const topic = agentTopic(index);
  await helloAndSubscribe(ws, topic);
  ws.onMessage = (buf, start, end) => {
    const echoes = occurrences(buf, start, end, EVENT_MARK);
    for (let i = 0; i < echoes; i++) events.echo();
    const ackCount = occurrences(buf, start, end, ACK_MARK);
    for (let i = 0; i < ackCount; i++) events.ack();
    if (echoes + ackCount === 0 && occurrences(buf, start, end, ERROR_MARK) > 0) {
      events.error(buf.toString('utf8', start, Math.min(end, start + 300)));
    }
  };
  const prefix = `{"type":"publish","id":"${index}-`;
  const middle = `","topic":"${topic}",${acks ? '' : '"ack":false,'}"data":`;
  return {
    publish: (sequence, scheduledUs) => {
      ws.send(`${prefix}${sequence}${middle}${payloadText(sequence, scheduledUs)}}`);
    },
    close: () => ws.close(),
  };
}

const ECHO_SID = 1;
const ACK_SID = 2;
const ERROR_JSON = Buffer.from('"error"');

async function natsAgent(
  port: number,
  index: number,
  jetstream: boolean,
  events: AgentEvents,
): Promise<AgentConnection> {
  const conn = await NatsWsConnection.connect(port);
  const topic = agentTopic(index);
  const inbox = `_INBOX.bench.${index}`;
  conn.subscribe(topic, ECHO_SID);
  if (jetstream) conn.subscribe(inbox, ACK_SID);
  await conn.flush();
  conn.reader.onMsg = (sid, buf, start, end) => {
    if (sid === ECHO_SID) events.echo();
    else if (sid === ACK_SID) {
      const bad = buf.indexOf(ERROR_JSON, start);
      if (bad !== -1 && bad < end) events.error(buf.toString('utf8', start, end));
      else events.ack();
    }
  };
  conn.reader.onError = (message) => events.error(message);
  return {
    publish: (sequence, scheduledUs) => {
      const payload = payloadText(sequence, scheduledUs);
      conn.send(jetstream ? pubCommand(topic, payload, inbox) : pubCommand(topic, payload));
    },
    close: () => conn.close(),
  };
}

export function connectAgent(
  mode: AgentMode,
  port: number,
  index: number,
  events: AgentEvents,
): Promise<AgentConnection> {
  switch (mode) {
    case 'switchboard-ack':
      return switchboardAgent(port, index, true, events);
    case 'switchboard-noack':
      return switchboardAgent(port, index, false, events);
    case 'nats-js':
      return natsAgent(port, index, true, events);
    case 'nats-core':
      return natsAgent(port, index, false, events);
  }
}
