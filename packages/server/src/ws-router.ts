import { randomUUID } from 'node:crypto';
import { assertTopic } from '@switchboard/protocol';
import { type Engine, type LogEntry, MemoryEngine } from '@switchboard/router';
import { CallRouter, type CallStats } from './call-router.ts';
import type { ClientInfo } from './client-info.ts';
import { tellLoss } from './engine-loss.ts';
import { FanOut } from './fan-out.ts';
import type { RoutedFrame } from './frame-stage.ts';
import { HandlerRegistry } from './handler-registry.ts';
import { HubEmitter } from './hub-emitter.ts';
import { publishFrame } from './publish-handler.ts';
import { RequestHandler } from './request-handler.ts';
import { type RouteDefinition, RouteTable } from './route-table.ts';
import type { RouterCore } from './router-core.ts';
import type { RouterConnection, RouterStats, ServerLink } from './router-link.ts';
import {
  outboundLimitsOf,
  type ResolvedRouterOptions,
  resolveRouterOptions,
  type WSRouterOptions,
} from './router-options.ts';
import { SubscribeHandler } from './subscribe-handler.ts';
import { SubscriptionRegistry } from './subscription-registry.ts';
import type { WSServer } from './ws-server.ts';

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
 * to the engine's log first; the engine then hands the entry to the fan-out, which
 * serializes it once and delivers it to each matching connection once.
 */
export class WSRouter extends HubEmitter<WSRouterEvents> {
  readonly options: ResolvedRouterOptions;
  readonly engine: Engine;
  readonly #link: ServerLink;
  readonly #subscriptions = new SubscriptionRegistry();
  readonly #routes = new RouteTable();
  readonly #fanOut = new FanOut(this.#subscriptions);
  readonly #subscribe: SubscribeHandler;
  readonly #requests: RequestHandler;
  readonly #calls: CallRouter;
  readonly #stopFanOut: () => void;
  readonly #stopLoss: () => void;
  #published = 0;
  #dropped = 0;

  readonly #server: WSServer;

  constructor(server: WSServer, options: WSRouterOptions = {}) {
    super();
    this.#server = server;
    const resolved = resolveRouterOptions(options);
    const router = this;
    // The server owns connections, the router what flows through them. The link is how they
    // talk (frames in; queue limits out, the server's subscription limit back), so neither
    // reads the other's options.
    this.#link = server.attach(
      {
        handleFrame: (connection, frame) => this.#handleFrame(connection, frame),
        handleCallFrame: (connection, frame) => this.#calls.traffic(connection, frame),
        handleClose: (connection) => {
          this.#subscriptions.removeAll(connection);
          this.#calls.closed(connection);
        },
        handleDrop: (connection, topic, offset) => this.#handleDrop(connection, topic, offset),
        stats: () => this.stats(),
        health: () => this.engine.health?.(),
        open: () => this.engine.open(),
        publish: (topic, data) => this.publish(topic, data),
        watched: (topic) => this.#subscriptions.hasMatch(topic),
        get engine() {
          return router.engine;
        },
        get epoch() {
          return router.engine.epoch;
        },
      },
      {
        outboundLimits: outboundLimitsOf(resolved),
        maxSubscriptionsPerClient: options.maxSubscriptionsPerClient,
      },
    );
    this.options = {
      ...resolved,
      maxSubscriptionsPerClient:
        this.#link.maxSubscriptionsPerClient ?? resolved.maxSubscriptionsPerClient,
    };
    // The router's one engine: everything below reads it from here (or from `core`).
    const engine: Engine = options.engine ?? new MemoryEngine({ ...options.history });
    // Every engine, supplied or built, learns which patterns this node's clients hold.
    engine.setInterest(this.#subscriptions.interest);
    this.engine = engine;
    const core: RouterCore = {
      engine,
      subscriptions: this.#subscriptions,
      options: this.options,
      counters: this.#link.counters,
    };
    const activity = this.#link.events;
    this.#subscribe = new SubscribeHandler(core, {
      subscribed: (client, patterns) => {
        this.emit('subscribed', client, patterns);
        activity.subscribed(client, patterns);
      },
      unsubscribed: (client, patterns) => {
        this.emit('unsubscribed', client, patterns);
        activity.unsubscribed(client, patterns);
      },
    });
    // Client-hosted handlers are node-local: the registry knows this node's connections only.
    this.#calls = new CallRouter(new HandlerRegistry(), this.options);
    this.#requests = new RequestHandler(core, this.#routes, this.#calls, (error) =>
      this.emit('error', error instanceof Error ? error : new Error(String(error))),
    );
    this.#stopFanOut = engine.onEntry((entry) => this.#deliver(entry));
    // Clients never see a silent gap: what the engine could not deliver, they are told.
    this.#stopLoss =
      engine.onLoss?.((loss) => {
        tellLoss(loss, this.#link.connections());
      }) ?? (() => {});
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

  /**
   * Removes the route registered with this `method` or `topic` (the seed API's name; the
   * function `route()` returns does the same for one registration). False when none was.
   */
  unroute(topic: string): boolean {
    if (typeof topic !== 'string') throw new TypeError('unroute() needs a method or topic string');
    return this.#routes.removeKey(topic);
  }

  /** Patterns a client subscribes to. */
  getSubscriptions(clientId: string): string[] {
    return [...(this.#link.connection(clientId)?.subscriptions ?? [])];
  }

  /**
   * Ids of this node's clients that an event published to `topic` (a concrete topic) would
   * reach: those with at least one matching pattern, each once.
   */
  getTopicSubscribers(topic: string): string[] {
    assertTopic(topic);
    const ids = new Set<string>();
    this.#subscriptions.forEachMatch(topic, (connection) => {
      if (connection.state === 'open') ids.add(connection.id);
    });
    return [...ids];
  }

  /** Every pattern this node's clients hold, with the ids of the clients holding it. */
  getAllSubscriptions(): Map<string, string[]> {
    const all = new Map<string, string[]>();
    for (const client of this.#server.getConnectedClients()) {
      for (const pattern of client.subscriptions) {
        const holders = all.get(pattern);
        if (holders === undefined) all.set(pattern, [client.id]);
        else holders.push(client.id);
      }
    }
    return all;
  }

  /** Client-hosted handlers on this node and their calls, with the flow-control accounting. */
  callStats(): CallStats {
    return this.#calls.stats();
  }

  stats(): RouterStats {
    return {
      subscriptions: this.#subscriptions.size,
      topics: this.engine.stats().topics,
      published: this.#published,
      delivered: this.#fanOut.delivered,
      dropped: this.#dropped,
    };
  }

  /** Detaches from the engine and closes it. */
  async close(): Promise<void> {
    this.#stopFanOut();
    this.#stopLoss();
    await this.engine.close();
  }

  #handleFrame(connection: RouterConnection, frame: RoutedFrame): void {
    switch (frame.type) {
      case 'subscribe':
        this.#subscribe.subscribe(connection, frame);
        return;
      case 'unsubscribe':
        this.#subscribe.unsubscribe(connection, frame);
        return;
      case 'publish':
        publishFrame(this.engine, connection, frame, this.#link.counters);
        return;
      case 'request':
        this.#requests.request(connection, frame);
        return;
      case 'handle':
        this.#calls.handle(connection, frame);
        return;
      case 'unhandle':
        this.#calls.unhandle(connection, frame);
        return;
    }
  }

  #handleDrop(connection: RouterConnection, topic: string, offset: number): void {
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

  #deliver(entry: LogEntry): void {
    this.#published += 1;
    if (this.listenerCount('published') > 0) this.emit('published', entry);
    this.#link.events.published(entry);
    const { counters } = this.#link;
    if (counters.timing === undefined) {
      this.#fanOut.deliver(entry);
      return;
    }
    const before = this.#fanOut.delivered;
    this.#fanOut.deliver(entry);
    if (this.#fanOut.delivered > before) counters.queuedForWrite();
  }
}
