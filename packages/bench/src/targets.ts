/** The servers every scenario can run against. */
export const TARGETS = ['b0', 'b1', 'b2', 'socketio', 'switchboard', 'nats'] as const;
export type TargetId = (typeof TARGETS)[number];

export const TARGET_LABEL: Record<TargetId, string> = {
  b0: 'B0 ws.send loop',
  b1: 'B1 frame once',
  b2: 'B2 coalesced x20',
  socketio: 'Socket.IO 4 rooms',
  switchboard: 'Switchboard',
  nats: 'NATS 2 (core)',
};

export const TARGET_DESCRIPTION: Record<TargetId, string> = {
  b0: '`ws` server; each publish is forwarded with `ws.send(buffer)` to every subscriber socket',
  b1: '`ws` server; each publish is framed once (`Sender.frame`) and that frame written to every socket',
  b2: '`ws` server; publishes are framed once and 20 frames are concatenated into one write per socket (a partial batch is flushed at the end of the tick)',
  socketio:
    'Socket.IO 4 server (websocket transport); subscribers join a room, each publish is `io.to(room).emit(...)`; load uses `socket.io-client`',
  switchboard:
    '`WSServer` + `WSRouter` with defaults; subscribers say hello and subscribe to `bench.#`, the publisher sends `publish` frames',
  nats: '`nats-server` (Go, Debian package) with a WebSocket listener; the same raw WebSocket clients speak the NATS text protocol (CONNECT, SUB `bench.>`, PUB, MSG, PING/PONG); core NATS, no acks',
};

/** Baselines speak bare WebSocket: subscribers connect to this path, the publisher to PUB_PATH. */
export const SUB_PATH = '/sub';
export const PUB_PATH = '/pub';
/** Socket.IO room and events. */
export const ROOM = 'bench';
/** Subscription pattern of Switchboard subscribers, and the topics the publisher rotates over. */
export const BENCH_PATTERN = 'bench.#';
/** NATS subscribers' subject (`>` is NATS's `#`). */
export const NATS_BENCH_SUBJECT = 'bench.>';
export const BENCH_TOPICS = Array.from({ length: 8 }, (_, i) => `bench.load.${i}`);

/** Many-publishers scenario: publisher i publishes to `agent.<i>.status`. */
export function agentTopic(index: number): string {
  return `agent.${index}.status`;
}
/** The JetStream stream NATS stores acknowledged publishes in (memory storage). */
export const AGENT_STREAM = 'AGENTS';
export const AGENT_STREAM_SUBJECTS = ['agent.*.status'];
/** As many messages as Switchboard's default in-memory history keeps. */
export const AGENT_STREAM_MAX_MSGS = 10_000;
