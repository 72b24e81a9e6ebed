import type { ClientFrame, ClientFrameType } from '@switchboard/protocol';
import type { Rng } from './rng.ts';

/** What a fuzzing connection knows, so that valid frames can hit real state on the hub. */
export interface FrameContext {
  rng: Rng;
  /** A fresh id, unique on this connection. */
  nextId(): string;
  /** Tokens of the principals the hub knows (and a few it does not). */
  tokens: readonly string[];
  /** Ids of requests this connection sent recently (for cancel and credit). */
  recentRequests: readonly string[];
  /** Call ids of invokes this connection received (for reply, chunk, end, fail). */
  recentCalls: readonly string[];
  /** The latest epoch the connection saw, for positions that may resume. */
  epoch: string;
}

/** Topics most frames use: a small set so that publishes meet subscriptions. */
export const TOPICS = [
  'agent.7.status',
  'agent.7.logs.err',
  'agent.8.status',
  'agent.42.status',
  'task.1.completed',
  'task.2.progress',
  'swarm.vote',
  'watch.stream',
  'a',
  'a.b',
  'café.日本.😀',
] as const;

export const PATTERNS = [
  '#',
  'agent.#',
  'agent.7.#',
  'agent.*.status',
  'agent.7.*',
  'task.*.completed',
  '#.status',
  'a.#.b',
  '*',
  'watch.#',
  'agent.7.#.*.#',
  '#.*.#.*.#.*.#',
  '*.*.*.#',
] as const;

/** Hub routes (see hub-main.ts), methods clients may serve, and names nobody serves. */
export const METHODS = [
  'echo',
  'slow',
  'fail',
  'big',
  '$history',
  'agent.7.exec',
  'agent.8.exec',
  'planner.next',
  'nobody.home',
] as const;

const ERROR_CODES = ['INTERNAL_ERROR', 'FORBIDDEN', 'TIMEOUT', 'NOT_FOUND'] as const;

function data(rng: Rng): unknown {
  switch (rng.int(6)) {
    case 0:
      return null;
    case 1:
      return rng.int(1_000_000);
    case 2:
      return 'x'.repeat(rng.int(64));
    case 3:
      return { state: rng.pick(['busy', 'idle']), load: rng.next() };
    case 4:
      return [1, 'two', { three: [true, null] }];
    default:
      return { nested: { deeper: { list: Array.from({ length: rng.int(8) }, (_, i) => i) } } };
  }
}

function patterns(rng: Rng): string[] {
  return Array.from({ length: 1 + rng.int(3) }, () => rng.pick(PATTERNS));
}

function historyData(context: FrameContext): unknown {
  const { rng } = context;
  return { epoch: context.epoch, after: rng.int(1_000), until: rng.int(100_000) };
}

type Builder<T extends ClientFrameType> = (
  context: FrameContext,
) => Extract<ClientFrame, { type: T }>;

/**
 * One builder per client frame type. The `satisfies` keeps this in step with the protocol: a
 * frame type added to `ClientFrame` fails to compile here until it has a builder.
 */
export const VALID_FRAMES = {
  hello: (c) => ({
    type: 'hello',
    versions: c.rng.chance(0.8) ? [1] : [2, 1],
    ...(c.rng.chance(0.7) ? { token: c.rng.pick(c.tokens) } : {}),
  }),
  auth: (c) => ({ type: 'auth', id: c.nextId(), token: c.rng.pick(c.tokens) }),
  subscribe: (c) => {
    const { rng } = c;
    const base = { type: 'subscribe' as const, id: c.nextId(), topics: patterns(rng) };
    switch (rng.int(5)) {
      case 0:
        return { ...base, since: rng.int(200) };
      case 1:
        return { ...base, since: 'last' as const };
      case 2:
        return { ...base, position: { epoch: c.epoch, offset: rng.int(1_000_000) } };
      default:
        return base;
    }
  },
  unsubscribe: (c) => ({ type: 'unsubscribe', id: c.nextId(), topics: patterns(c.rng) }),
  publish: (c) => ({
    type: 'publish',
    id: c.nextId(),
    topic: c.rng.pick(TOPICS),
    data: data(c.rng),
    ...(c.rng.chance(0.1) ? { ack: false } : {}),
    ...(c.rng.chance(0.1) ? { echo: false } : {}),
  }),
  request: (c) => {
    const method = c.rng.pick(METHODS);
    return {
      type: 'request',
      id: c.nextId(),
      method,
      data: method === '$history' ? historyData(c) : data(c.rng),
      ...(c.rng.chance(0.3) ? { timeoutMs: 1 + c.rng.int(2_000) } : {}),
      ...(c.rng.chance(0.2) ? { credit: 1 + c.rng.int(32) } : {}),
    };
  },
  ping: (c) =>
    c.rng.chance(0.5) ? { type: 'ping', id: c.nextId(), ts: Date.now() } : { type: 'ping' },
  pong: (c) => ({ type: 'pong', id: c.nextId(), ts: Date.now() }),
  handle: (c) => ({
    type: 'handle',
    id: c.nextId(),
    method: c.rng.pick(['agent.7.exec', 'agent.8.exec', 'planner.next', 'echo']),
    ...(c.rng.chance(0.3) ? { group: c.rng.pick(['g1', 'g2']) } : {}),
  }),
  unhandle: (c) => ({
    type: 'unhandle',
    id: c.nextId(),
    method: c.rng.pick(['agent.7.exec', 'planner.next']),
  }),
  reply: (c) => ({ type: 'reply', call: call(c), data: data(c.rng) }),
  chunk: (c) => ({ type: 'chunk', call: call(c), data: data(c.rng) }),
  end: (c) => ({ type: 'end', call: call(c) }),
  fail: (c) => ({
    type: 'fail',
    call: call(c),
    code: c.rng.pick(ERROR_CODES),
    message: 'fuzz',
    ...(c.rng.chance(0.3) ? { details: { why: 'fuzz' } } : {}),
  }),
  cancel: (c) => ({ type: 'cancel', id: recentRequest(c) }),
  credit: (c) => ({ type: 'credit', id: recentRequest(c), credit: 1 + c.rng.int(64) }),
} satisfies { [T in ClientFrameType]: Builder<T> };

function call(c: FrameContext): string {
  return c.recentCalls.length > 0 && c.rng.chance(0.8)
    ? c.rng.pick(c.recentCalls)
    : `c${c.rng.int(1_000)}`;
}

function recentRequest(c: FrameContext): string {
  return c.recentRequests.length > 0 && c.rng.chance(0.8)
    ? c.rng.pick(c.recentRequests)
    : c.nextId();
}

export const FRAME_TYPES = Object.keys(VALID_FRAMES) as ClientFrameType[];

/** A valid frame of a random type (a `hello` on an open connection included). */
export function validFrame(context: FrameContext): ClientFrame {
  const type = context.rng.pick(FRAME_TYPES);
  return VALID_FRAMES[type](context as never);
}
