import { randomUUID } from 'node:crypto';
import { ErrorCode, SwitchboardError, TypedEmitter } from '@switchboard/protocol';
import Redis from 'ioredis';
import {
  type RedisClusterBusEvents,
  type RedisClusterBusOptions,
  type ResolvedClusterBusOptions,
  resolveClusterBusOptions,
} from './cluster-options.ts';

/** One node's answer (the shape of `ClusterAnswer` in @switchboard/server). */
export interface BusAnswer {
  nodeId: string;
  reply?: unknown;
  error?: string;
}

/** Renews this node's heartbeat key and its score in the node set; returns the expired. */
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ttl)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, id in ipairs(dead) do redis.call('ZREM', KEYS[1], id) end
return dead`;

/** Live node ids, by the Redis server's clock (no skew between nodes). */
const LIVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')`;

/** Leaves: 1 when this call removed the node (so it is announced once). */
const LEAVE = `
redis.call('DEL', KEYS[2])
return redis.call('ZREM', KEYS[1], ARGV[1])`;

type BusMessage =
  | { type: 'command'; id: string; from: string; command: unknown }
  | { type: 'answer'; id: string; nodeId: string; reply?: unknown; error?: string }
  | { type: 'joined'; nodeId: string }
  | { type: 'left'; nodeId: string; reason: 'stopped' | 'expired' };

interface Pending {
  expected: Set<string>;
  answers: Map<string, BusAnswer>;
  done: () => void;
}

/**
 * A `ClusterBus` for `WSServer({ cluster })` on Redis pub/sub: every node with the same URL
 * and `keyPrefix` is one cluster. Each node renews a heartbeat key (`{prefix}:node:<id>`,
 * TTL `nodeTtlMs`) and its entry in the node set `{prefix}:nodes` every `heartbeatMs`, by
 * the Redis clock; whichever node's heartbeat finds an expired entry removes it (atomically,
 * so exactly one) and announces `node-left` on the bus. A request is published on
 * `{prefix}:bus`; every node answers on the requester's own channel.
 */
export class RedisClusterBus extends TypedEmitter<RedisClusterBusEvents> {
  readonly nodeId: string;
  readonly #o: ResolvedClusterBusOptions;
  readonly #keys: [nodes: string, node: string];
  readonly #channel: string;
  readonly #inbox: string;
  readonly #pending = new Map<string, Pending>();
  #command: Redis | undefined;
  #sub: Redis | undefined;
  #handle: ((command: unknown) => unknown) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: RedisClusterBusOptions = {}) {
    super();
    this.#o = resolveClusterBusOptions(options);
    this.nodeId = this.#o.nodeId ?? randomUUID();
    const prefix = `{${this.#o.keyPrefix}}`;
    this.#keys = [`${prefix}:nodes`, `${prefix}:node:${this.nodeId}`];
    this.#channel = `${prefix}:bus`;
    this.#inbox = `${prefix}:bus:${this.nodeId}`;
  }

  /** Connects, subscribes, and announces this node (its first heartbeat included). */
  async start(handle: (command: unknown) => unknown): Promise<void> {
    if (this.#stopping) throw new SwitchboardError(ErrorCode.SERVER_SHUTTING_DOWN, 'bus stopped');
    if (this.#handle !== undefined) throw new TypeError('RedisClusterBus already started');
    this.#handle = handle;
    const command = this.#connection('bus');
    const sub = this.#connection('bus-sub');
    this.#command = command;
    this.#sub = sub;
    sub.on('message', (_channel: string, text: string) => this.#receive(text));
    try {
      await Promise.all([command.connect(), sub.connect()]);
      await sub.subscribe(this.#channel, this.#inbox);
      await this.#heartbeat();
      await this.#publish(this.#channel, { type: 'joined', nodeId: this.nodeId });
    } catch (error) {
      this.#handle = undefined;
      command.disconnect();
      sub.disconnect();
      throw new SwitchboardError(
        ErrorCode.NOT_CONNECTED,
        `RedisClusterBus: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    let failing = false;
    this.#timer = setInterval(() => {
      this.#beating ??= this.#heartbeat()
        .then(() => {
          failing = false;
        })
        .catch((error: unknown) => {
          // Once per outage; the connection's own error says why.
          if (!failing) this.#o.onError(error);
          failing = true;
        })
        .finally(() => {
          this.#beating = undefined;
        });
    }, this.#o.heartbeatMs);
    this.#timer.unref();
  }

  /** Live node ids (heartbeat younger than `nodeTtlMs`), by the Redis clock. */
  async nodes(): Promise<string[]> {
    const command = this.#ready();
    return (await command.eval(LIVE, 1, this.#keys[0])) as string[];
  }

  /**
   * Publishes `command` to every node and collects the answers of the nodes that were live
   * when it was sent (others that answer are kept too) for `requestTimeoutMs`.
   */
  async request(command: unknown): Promise<{ answers: BusAnswer[]; missing: string[] }> {
    const expected = new Set(await this.nodes());
    const id = randomUUID();
    const answers = new Map<string, BusAnswer>();
    let timer: NodeJS.Timeout | undefined;
    const settled = new Promise<void>((resolve) => {
      const pending: Pending = { expected, answers, done: resolve };
      this.#pending.set(id, pending);
      timer = setTimeout(resolve, this.#o.requestTimeoutMs);
    });
    try {
      await this.#publish(this.#channel, { type: 'command', id, from: this.nodeId, command });
      if (expected.size > 0) await settled;
    } finally {
      clearTimeout(timer);
      this.#pending.delete(id);
    }
    const missing = [...expected].filter((nodeId) => !answers.has(nodeId));
    return { answers: [...answers.values()], missing };
  }

  /** `node-left` as the ClusterBus seam has it: the ids of other nodes that left. */
  onNodeLeft(listener: (nodeId: string) => void): () => void {
    return this.listen('node-left', ({ nodeId }) => {
      if (nodeId !== this.nodeId) listener(nodeId);
    });
  }

  /** Stops heartbeats, leaves the node set (announced as `node-left`) and disconnects. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#timer);
      await this.#beating;
      const command = this.#command;
      if (this.#handle !== undefined && command?.status === 'ready') {
        const removed = await command
          .eval(LEAVE, 2, ...this.#keys, this.nodeId)
          .catch((error: unknown) => this.#o.onError(error));
        if (removed === 1) {
          await this.#publish(this.#channel, {
            type: 'left',
            nodeId: this.nodeId,
            reason: 'stopped',
          }).catch((error: unknown) => this.#o.onError(error));
        }
      }
      this.#handle = undefined;
      for (const pending of this.#pending.values()) pending.done();
      await Promise.all([this.#sub?.quit().catch(() => {}), command?.quit().catch(() => {})]);
    })();
    return this.#stopping;
  }

  async #heartbeat(): Promise<void> {
    const command = this.#ready();
    const info = JSON.stringify({ startedAt: Date.now() });
    const dead = (await command.eval(
      HEARTBEAT,
      2,
      ...this.#keys,
      this.nodeId,
      this.#o.nodeTtlMs,
      info,
    )) as string[];
    for (const nodeId of dead) {
      // This node's own entry expired (it was cut off longer than the TTL): it is back now.
      if (nodeId === this.nodeId) continue;
      await this.#publish(this.#channel, { type: 'left', nodeId, reason: 'expired' });
    }
  }

  #receive(text: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(text) as BusMessage;
    } catch (error) {
      this.#o.onError(error);
      return;
    }
    switch (message.type) {
      case 'command':
        void this.#answer(message);
        return;
      case 'answer': {
        const pending = this.#pending.get(message.id);
        if (pending === undefined) return;
        const { nodeId, reply, error } = message;
        pending.answers.set(nodeId, error === undefined ? { nodeId, reply } : { nodeId, error });
        if ([...pending.expected].every((expected) => pending.answers.has(expected))) {
          pending.done();
        }
        return;
      }
      case 'joined':
        if (message.nodeId !== this.nodeId) this.emit('node-joined', { nodeId: message.nodeId });
        return;
      case 'left':
        this.emit('node-left', { nodeId: message.nodeId, reason: message.reason });
        return;
    }
  }

  async #answer(message: Extract<BusMessage, { type: 'command' }>): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    let answer: BusMessage;
    try {
      const reply = (await handle(message.command)) ?? null;
      answer = { type: 'answer', id: message.id, nodeId: this.nodeId, reply };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      answer = { type: 'answer', id: message.id, nodeId: this.nodeId, error: text };
    }
    const prefix = `{${this.#o.keyPrefix}}`;
    await this.#publish(`${prefix}:bus:${message.from}`, answer).catch((error: unknown) =>
      this.#o.onError(error),
    );
  }

  async #publish(channel: string, message: BusMessage): Promise<void> {
    await this.#ready().publish(channel, JSON.stringify(message));
  }

  #ready(): Redis {
    const command = this.#command;
    if (command === undefined || this.#handle === undefined) {
      throw new SwitchboardError(ErrorCode.NOT_CONNECTED, 'RedisClusterBus is not started');
    }
    return command;
  }

  #connection(role: string): Redis {
    const client = new Redis(this.#o.url, {
      ...this.#o.redisOptions,
      lazyConnect: true,
      // Nothing waits for a connection: a command while Redis is away fails at once.
      enableOfflineQueue: role === 'bus-sub',
      maxRetriesPerRequest: 0,
      connectionName: `switchboard:${this.#o.keyPrefix}:${role}:${this.nodeId}`,
    });
    // Connection trouble is reported once per outage, not once per reconnect attempt.
    let troubled = false;
    client.on('ready', () => {
      troubled = false;
    });
    client.on('error', (error: unknown) => {
      if (troubled) return;
      troubled = true;
      this.#o.onError(
        new SwitchboardError(
          ErrorCode.NOT_CONNECTED,
          `RedisClusterBus ${role} connection: ${String(error)}`,
          {
            cause: error,
          },
        ),
      );
    });
    return client;
  }
}

/** The keys a bus of `prefix` uses besides per-node heartbeat keys (for cleanup). */
export function clusterKeys(prefix: string): string[] {
  return [`{${prefix}}:nodes`];
}
