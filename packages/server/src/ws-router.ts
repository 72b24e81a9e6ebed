import { randomUUID } from 'node:crypto';
import {
  assertTopic,
  ErrorCode,
  errorFrame,
  HISTORY_METHOD,
  HistoryRequest,
  isPatternAllowed,
  matches,
  type PublishFrame,
  type RequestFrame,
  type SubscribeFrame,
  type SubscriptionOutcome,
  SwitchboardError,
  type UnsubscribeFrame,
} from '@switchboard/protocol';
import {
  type Engine,
  type LogEntry,
  MemoryEngine,
  type MemoryEngineOptions,
  SubscriptionIndex,
} from '@switchboard/router';
import type { ClientInfo, Connection } from './connection.ts';
import { eventOf, serializeEvent } from './event-serializer.ts';
import type { FrameHandler, RoutedFrame, RouterStats } from './frame-handler.ts';
import { FrameSlab, type SlabChunk } from './frame-slab.ts';
import { HubEmitter } from './hub-emitter.ts';
import { DEFAULT_OUTBOUND_LIMITS, type OutboundLimits } from './outbound-queue.ts';
import { ReplayStream } from './replay-stream.ts';
import { type RouteDefinition, RouteTable } from './route-table.ts';
import type { WSServer } from './ws-server.ts';

export interface WSRouterOptions {
  /** Events queued per connection before the slow-consumer policy applies. @default 1000 */
  queueSize?: number;
  /** Bytes queued per connection (with the socket's `bufferedAmount`). @default 8 MiB */
  queueBytes?: number;
  /**
   * What happens to a connection whose queue overflows: `drop-oldest` drops its oldest
   * events and tells it which offsets it missed; `disconnect` closes it with 4004.
   * @default 'drop-oldest'
   */
  slowConsumerPolicy?: OutboundLimits['policy'];
  /** Log and fan-out engine; the in-memory engine when absent. */
  engine?: Engine;
  /** Options for the default in-memory engine (history size and age). */
  history?: Pick<MemoryEngineOptions, 'historySize' | 'historyTtlMs'>;
  /** Most events one subscribe may replay from history. @default 10_000 */
  maxReplay?: number;
}

export const WS_ROUTER_DEFAULTS = {
  queueSize: DEFAULT_OUTBOUND_LIMITS.maxMessages,
  queueBytes: DEFAULT_OUTBOUND_LIMITS.maxBytes,
  slowConsumerPolicy: DEFAULT_OUTBOUND_LIMITS.policy,
  maxReplay: 10_000,
} as const;

/** Events per `$history` response page. */
const HISTORY_PAGE_SIZE = 1_000;

export interface PublishResult {
  id: string;
  offset: number;
  sequenceNumber: number;
  epoch: string;
  duplicate: boolean;
}

export interface MessageDroppedInfo {
  clientId: string;
  topic: string;
  /** The dropped event's offset. */
  offset: number;
  epoch: string;
}

export interface WSRouterEvents {
  published: (entry: LogEntry) => void;
  subscribed: (client: ClientInfo, patterns: string[]) => void;
  unsubscribed: (client: ClientInfo, patterns: string[]) => void;
  'message-dropped': (info: MessageDroppedInfo) => void;
  error: (error: Error) => void;
}

/**
 * Subscriptions, publishing and request routing for a WSServer. Every publish is appended
 * to the engine's log first; the engine then hands the entry to `#fanOut`, which serializes
 * it once and delivers it to each matching connection once.
 */
export class WSRouter extends HubEmitter<WSRouterEvents> implements FrameHandler {
  readonly options: Required<Omit<WSRouterOptions, 'engine' | 'history'>>;
  readonly outboundLimits: OutboundLimits;
  readonly engine: Engine;
  readonly #server: WSServer;
  readonly #index = new SubscriptionIndex<Connection>();
  readonly #routes = new RouteTable();
  readonly #stopFanOut: () => void;
  #published = 0;
  #delivered = 0;
  #dropped = 0;

  constructor(server: WSServer, options: WSRouterOptions = {}) {
    super();
    for (const key of ['queueSize', 'queueBytes', 'maxReplay'] as const) {
      const value = options[key];
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new TypeError(
          `WSRouter option "${key}" must be a positive integer, got ${String(value)}`,
        );
      }
    }
    const policy = options.slowConsumerPolicy ?? WS_ROUTER_DEFAULTS.slowConsumerPolicy;
    if (policy !== 'drop-oldest' && policy !== 'disconnect') {
      throw new TypeError(
        `WSRouter option "slowConsumerPolicy" must be "drop-oldest" or "disconnect", got ${String(policy)}`,
      );
    }
    this.options = {
      queueSize: options.queueSize ?? WS_ROUTER_DEFAULTS.queueSize,
      queueBytes: options.queueBytes ?? WS_ROUTER_DEFAULTS.queueBytes,
      slowConsumerPolicy: policy,
      maxReplay: options.maxReplay ?? WS_ROUTER_DEFAULTS.maxReplay,
    };
    this.outboundLimits = {
      maxMessages: this.options.queueSize,
      maxBytes: this.options.queueBytes,
      policy,
    };
    this.engine =
      options.engine ??
      new MemoryEngine({
        ...options.history,
        isTopicInUse: (topic) => this.#index.hasMatch(topic),
      });
    this.#server = server;
    this.#stopFanOut = this.engine.onEntry((entry) => this.#fanOut(entry));
    server.attach(this);
  }

  get epoch(): string {
    return this.engine.epoch;
  }

  /** Publishes from the server side; resolves once the message is in the log. */
  async publish(
    topic: string,
    data: unknown,
    options: { id?: string } = {},
  ): Promise<PublishResult> {
    assertTopic(topic);
    const id = options.id ?? randomUUID();
    const { entry, duplicate } = await this.engine.append({ id, topic, data });
    return {
      id,
      offset: entry.offset,
      sequenceNumber: entry.sequenceNumber,
      epoch: entry.epoch,
      duplicate,
    };
  }

  /** Registers a request/response handler; returns a function that removes it. */
  route(definition: RouteDefinition): () => void {
    return this.#routes.add(definition);
  }

  /** Patterns a client subscribes to. */
  getSubscriptions(clientId: string): string[] {
    return [...(this.#server.getConnection(clientId)?.subscriptions ?? [])];
  }

  stats(): RouterStats {
    return {
      subscriptions: this.#index.size,
      topics: this.engine.stats().topics,
      published: this.#published,
      delivered: this.#delivered,
      dropped: this.#dropped,
    };
  }

  /** Detaches from the engine and closes it. */
  async close(): Promise<void> {
    this.#stopFanOut();
    await this.engine.close();
  }

  handleFrame(connection: Connection, frame: RoutedFrame): void {
    switch (frame.type) {
      case 'subscribe':
        this.#subscribe(connection, frame);
        return;
      case 'unsubscribe':
        this.#unsubscribe(connection, frame);
        return;
      case 'publish':
        this.#publishFrame(connection, frame);
        return;
      case 'request':
        this.#request(connection, frame);
        return;
    }
  }

  handleClose(connection: Connection): void {
    for (const pattern of connection.subscriptions) this.#index.remove(pattern, connection);
    connection.subscriptions.clear();
  }

  handleDrop(connection: Connection, topic: string, offset: number): void {
    this.#dropped += 1;
    if (this.listenerCount('message-dropped') > 0) {
      this.emit('message-dropped', {
        clientId: connection.id,
        topic,
        offset,
        epoch: this.engine.epoch,
      });
    }
  }

  // ---- frames -------------------------------------------------------------------------------

  #subscribe(connection: Connection, frame: SubscribeFrame): void {
    const allowed = connection.principal?.subscribe;
    const forbidden = frame.topics.find((pattern) => !isPatternAllowed(allowed, pattern));
    if (forbidden !== undefined) {
      this.#fail(
        connection,
        frame.id,
        new SwitchboardError(
          ErrorCode.FORBIDDEN,
          `Not allowed to subscribe to "${forbidden}": it could match topics outside the allowed patterns`,
          { details: { pattern: forbidden } },
        ),
      );
      return;
    }
    const patterns = [...new Set(frame.topics)];
    const added = patterns.filter((pattern) => !connection.subscriptions.has(pattern));
    const limit = this.#server.options.maxSubscriptionsPerClient;
    if (connection.subscriptions.size + added.length > limit) {
      this.#fail(
        connection,
        frame.id,
        new SwitchboardError(
          ErrorCode.TOO_MANY_SUBSCRIPTIONS,
          `Subscribing to ${added.length} more pattern(s) would exceed the limit of ${limit} per connection`,
          { details: { limit } },
        ),
      );
      return;
    }
    const wantsHistory = frame.position !== undefined || frame.since !== undefined;
    // Register first so live events that arrive during the history read wait in the live
    // queue (which does not flow while the connection recovers), not lost.
    const head = this.engine.head();
    if (wantsHistory) connection.recovering += 1;
    for (const pattern of added) {
      this.#index.add(pattern, connection);
      connection.subscriptions.add(pattern);
    }
    if (added.length > 0) this.emit('subscribed', connection.info(), added);
    if (!wantsHistory) {
      this.#ack(connection, frame.id, {
        // Where the subscription starts: a client without a position resumes from here.
        epoch: head.epoch,
        offset: head.offset,
        subscriptions: patterns.map((pattern) => ({
          pattern,
          wasRecovering: false,
          recovered: false,
          replayed: 0,
        })),
      });
      return;
    }
    this.#replay(connection, frame, patterns, head.offset)
      .then((outcomes) =>
        this.#ack(connection, frame.id, {
          epoch: head.epoch,
          offset: head.offset,
          subscriptions: outcomes,
        }),
      )
      .catch((error: unknown) => this.#fail(connection, frame.id, SwitchboardError.from(error)))
      .finally(() => connection.finishRecovery());
  }

  /** Sends history up to `head` for a subscribe with `position` or `since`. */
  async #replay(
    connection: Connection,
    frame: SubscribeFrame,
    patterns: string[],
    head: number,
  ): Promise<SubscriptionOutcome[]> {
    const outcome = (recovered: boolean, replayed: number, wasRecovering: boolean) =>
      patterns.map((pattern) => ({ pattern, wasRecovering, recovered, replayed }));
    if (frame.since === 'last') {
      let replayed = 0;
      const entries: LogEntry[] = [];
      for (const pattern of patterns)
        entries.push(...(await this.engine.lastValues(pattern, this.options.maxReplay)));
      const seen = new Set<number>();
      entries.sort((a, b) => a.offset - b.offset);
      const selected: LogEntry[] = [];
      for (const entry of entries) {
        if (entry.offset > head || seen.has(entry.offset)) continue;
        seen.add(entry.offset);
        selected.push(entry);
        replayed += 1;
      }
      connection.replay(new ReplayStream(selected, serializeReplayed));
      return outcome(true, replayed, false);
    }
    const wasRecovering = frame.position !== undefined;
    let after: number;
    if (frame.position !== undefined) {
      if (frame.position.epoch !== this.engine.epoch) return outcome(false, 0, true);
      after = frame.position.offset;
    } else {
      after = frame.since as number;
    }
    if (after >= head) return outcome(true, 0, wasRecovering);
    const read = await this.engine.read({ after, patterns, limit: this.options.maxReplay + 1 });
    const entries = read.entries.filter((entry) => entry.offset <= head);
    if (!read.complete || entries.length > this.options.maxReplay) {
      // Never a silent partial replay: the client must resync.
      return outcome(false, 0, wasRecovering);
    }
    // Framed as the socket takes them, so a large gap costs no queue of frames.
    connection.replay(new ReplayStream(entries, serializeReplayed));
    return outcome(true, entries.length, wasRecovering);
  }

  #unsubscribe(connection: Connection, frame: UnsubscribeFrame): void {
    const removed: string[] = [];
    for (const pattern of new Set(frame.topics)) {
      if (connection.subscriptions.delete(pattern)) {
        this.#index.remove(pattern, connection);
        removed.push(pattern);
      }
    }
    if (removed.length > 0) this.emit('unsubscribed', connection.info(), removed);
    this.#ack(connection, frame.id, {});
  }

  #publishFrame(connection: Connection, frame: PublishFrame): void {
    const allowed = connection.principal?.publish;
    if (allowed !== undefined && !allowed.some((pattern) => matches(pattern, frame.topic))) {
      this.#fail(
        connection,
        frame.id,
        new SwitchboardError(ErrorCode.FORBIDDEN, `Not allowed to publish to "${frame.topic}"`, {
          details: { topic: frame.topic },
        }),
      );
      return;
    }
    this.engine
      .append({
        id: frame.id,
        // Ids are deduplicated per principal, so one client cannot shadow another's message.
        dedupeKey: `${connection.dedupeScope}\u0000${frame.id}`,
        topic: frame.topic,
        data: frame.data,
        // The engine carries the publisher only to suppress the echo.
        ...(frame.echo === false ? { publisherId: connection.id } : {}),
      })
      .then(({ entry, duplicate }) => {
        if (frame.ack === false) return;
        this.#ack(connection, frame.id, {
          offset: entry.offset,
          sequenceNumber: entry.sequenceNumber,
          epoch: entry.epoch,
          duplicate,
        });
      })
      .catch((error: unknown) => this.#fail(connection, frame.id, SwitchboardError.from(error)));
  }

  #request(connection: Connection, frame: RequestFrame): void {
    if (frame.method === HISTORY_METHOD) {
      this.#history(connection, frame);
      return;
    }
    const client = connection.info();
    this.#routes
      .handle({
        method: frame.method,
        requestId: frame.id,
        data: frame.data,
        client,
        principal: connection.principal,
      })
      .then((data) => {
        connection.send({ type: 'response', id: frame.id, data: data === undefined ? null : data });
      })
      .catch((error: unknown) => {
        const failure = SwitchboardError.from(error);
        if (failure.code === ErrorCode.INTERNAL_ERROR) {
          this.emit('error', error instanceof Error ? error : new Error(String(error)));
        }
        this.#fail(connection, frame.id, failure);
      });
  }

  /**
   * `$history`: the events in (after, until] matching this connection's own subscriptions,
   * which were authorized when made. Used by clients to recover dropped events.
   */
  #history(connection: Connection, frame: RequestFrame): void {
    const parsed = HistoryRequest.safeParse(frame.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || '(data)';
      this.#fail(
        connection,
        frame.id,
        new SwitchboardError(
          ErrorCode.INVALID_MESSAGE,
          `Invalid field "data.${field}" in $history request: ${issue?.message}`,
          {
            details: { field: `data.${field}` },
          },
        ),
      );
      return;
    }
    const { epoch, after, until } = parsed.data;
    const patterns = [...connection.subscriptions];
    const answer = (complete: boolean, events: unknown[], truncated = false) =>
      connection.send({
        type: 'response',
        id: frame.id,
        data: { epoch: this.engine.epoch, complete, events, ...(truncated ? { truncated } : {}) },
      });
    if (epoch !== this.engine.epoch || until < after || patterns.length === 0) {
      answer(epoch === this.engine.epoch && patterns.length === 0, []);
      return;
    }
    // One page per request keeps each response frame bounded; the client asks for the rest.
    this.engine
      .read({ after, patterns, limit: HISTORY_PAGE_SIZE })
      .then((read) => {
        const entries = read.entries.filter((entry) => entry.offset <= until);
        const truncated = read.truncated && entries.length === read.entries.length;
        answer(
          read.complete,
          read.complete ? entries.map((entry) => eventOf(entry, true)) : [],
          read.complete && truncated,
        );
      })
      .catch((error: unknown) => this.#fail(connection, frame.id, SwitchboardError.from(error)));
  }

  // ---- delivery ------------------------------------------------------------------------------

  #fanOut(entry: LogEntry): void {
    this.#published += 1;
    if (this.listenerCount('published') > 0) this.emit('published', entry);
    this.#fanOutEntry = entry;
    this.#fanOutChunk = undefined;
    this.#fanOutRound += 1;
    this.#index.forEachMatch(entry.topic, this.#visit);
    this.#fanOutEntry = undefined;
    this.#fanOutChunk = undefined;
  }

  #fanOutEntry: LogEntry | undefined;
  /** Counts fan-outs; not the offset, which a new epoch or another engine could repeat. */
  #fanOutRound = 0;
  /** Where the current entry's frame went in the slab (its index is the chunk's last). */
  #fanOutChunk: SlabChunk | undefined;
  #fanOutIndex = 0;
  readonly #slab = new FrameSlab();

  /**
   * Called per matching (connection, pattern). A connection with several matching patterns
   * is visited several times; the round mark delivers once without building a set.
   */
  readonly #visit = (connection: Connection): void => {
    const entry = this.#fanOutEntry!;
    if (connection.fanOutMark === this.#fanOutRound) return;
    connection.fanOutMark = this.#fanOutRound;
    if (connection.id === entry.publisherId || connection.state !== 'open') return;
    // Serialized and framed once per publish; every subscriber gets the same bytes.
    if (this.#fanOutChunk === undefined) {
      this.#fanOutChunk = this.#slab.append(
        serializeEvent(entry, false),
        entry.offset,
        entry.topic,
      );
      this.#fanOutIndex = this.#fanOutChunk.count - 1;
    }
    connection.deliver(this.#fanOutChunk, this.#fanOutIndex, entry.epoch);
    this.#delivered += 1;
  };

  #ack(connection: Connection, id: string | undefined, fields: Record<string, unknown>): void {
    if (id === undefined) return;
    connection.send({ type: 'ack', id, ok: true, ...fields });
  }

  #fail(connection: Connection, id: string | undefined, error: SwitchboardError): void {
    connection.send(errorFrame(error, id));
  }
}

function serializeReplayed(entry: LogEntry): string {
  return serializeEvent(entry, true);
}
