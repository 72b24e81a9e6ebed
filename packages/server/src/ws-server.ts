import { randomUUID } from 'node:crypto';
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode, SwitchboardError } from '@switchboard/protocol';
import type { Registry } from 'prom-client';
import { clientIdOf, encodeAppMessage } from './app-message.ts';
import { authorizationStage } from './authorization-stage.ts';
import type { ClientInfo } from './client-info.ts';
import { type ClusterBus, LocalClusterBus } from './cluster-bus.ts';
import { ClusterHub, runClusterCommand } from './cluster-hub.ts';
import { ConnectionTable } from './connection-table.ts';
import { Credentials } from './credentials.ts';
import { FairReads } from './fair-reads.ts';
import { FlushScheduler } from './flush-scheduler.ts';
import { FrameDeflater, negotiatedDeflate } from './frame-deflate.ts';
import { FrameRejection } from './frame-rejection.ts';
import { type FrameStage, FrameStages } from './frame-stage.ts';
import { Handshake } from './handshake.ts';
import { Heartbeat } from './heartbeat.ts';
import { type HealthReport, handleHttpEndpoint, type StatsReport } from './http-endpoints.ts';
import { hubUrl, listenHttp } from './http-listen.ts';
import { routeHttpRequests } from './http-routes.ts';
import { HubEmitter } from './hub-emitter.ts';
import { healthReport, statsReport } from './hub-reports.ts';
import { type HubSocket, limitMessages } from './hub-socket.ts';
import { InboundPipeline } from './inbound-pipeline.ts';
import { InboundThrottle } from './inbound-throttle.ts';
import { KpiSampler } from './kpi-snapshot.ts';
import { HubLog, logServerEvents, resolveLogger } from './logging.ts';
import { HubMetrics } from './metrics.ts';
import { HubCounters } from './metrics-counters.ts';
import { resolveMetricsOptions } from './metrics-options.ts';
import {
  type ResolvedServerOptions,
  resolveServerOptions,
  type WSServerOptions,
} from './options.ts';
import { DEFAULT_OUTBOUND_LIMITS } from './outbound-queue.ts';
import { WriterSettings } from './outbound-writer.ts';
import { preAuthMessageLimit } from './pre-auth-budget.ts';
import { disconnectRateLimited, RateLimitStage } from './rate-limit-stage.ts';
import type { AttachRequest, FrameHandler, ServerLink } from './router-link.ts';
import { settleSubscriptionLimit } from './router-options.ts';
import { ServerConnection } from './server-connection.ts';
import type { WSServerEvents } from './server-events.ts';
import { drainConnections } from './shutdown-drain.ts';
import { createSocketListeners } from './socket-listeners.ts';
import { SseEndpoint } from './sse-endpoint.ts';
import { Upgrade } from './upgrade.ts';

/**
 * The WebSocket hub server: its lifecycle, its connections and the public API over them.
 * The upgrade, the handshake, the inbound pipeline, each connection's write path, heartbeat,
 * shutdown drain, the connection table, the HTTP routes and the reports each live in their own
 * file; routing lives in WSRouter.
 *
 * Longer than 400 lines on purpose: it is the one place that wires those parts together and the
 * public API users read (the seed's methods beside ours, each with its documentation); every
 * method body is a call into one of the parts.
 */
export class WSServer extends HubEmitter<WSServerEvents> {
  readonly options: ResolvedServerOptions;
  readonly #http: HttpServer;
  readonly #ownsHttp: boolean;
  readonly #connections = new ConnectionTable();
  #handler: FrameHandler | undefined;
  /** What the writers of new connections share (the router's queue bounds once it attached). */
  #writerSettings: WriterSettings;
  readonly #scheduler: FlushScheduler;
  readonly #throttle: InboundThrottle;
  readonly #rateLimit: RateLimitStage;
  readonly #stages: FrameStages;
  readonly #rejection: FrameRejection;
  readonly #handshake: Handshake;
  readonly #credentials: Credentials;
  readonly #pipeline: InboundPipeline;
  readonly #upgrade: Upgrade;
  /** The HTTP fallback (server-sent events and POST); undefined with `sse: false`. */
  readonly #sse: SseEndpoint | undefined;
  readonly #heartbeat: Heartbeat;
  readonly #reads: FairReads<ServerConnection>;
  readonly #bus: ClusterBus;
  /** The hub API over every node (see `ClusterHub`); this node alone without a `cluster` bus. */
  readonly cluster: ClusterHub;
  /** Compresses outbound frames for connections that negotiated permessage-deflate. */
  readonly #deflater: FrameDeflater | undefined;
  readonly #kpi: KpiSampler;
  #startedAt = Date.now();
  #started: Promise<void> | undefined;
  #shutdown: Promise<void> | undefined;
  /** @internal What the hub counts for `/stats` and `/metrics` (the router adds its part). */
  readonly counters = new HubCounters();
  readonly #metrics: HubMetrics | undefined;
  readonly #log: HubLog | undefined;

  constructor(options: WSServerOptions = {}) {
    super();
    this.options = resolveServerOptions(options);
    this.#bus = options.cluster ?? new LocalClusterBus();
    this.cluster = new ClusterHub(this.#bus);
    this.#deflater =
      this.options.perMessageDeflate === undefined
        ? undefined
        : new FrameDeflater(this.options.perMessageDeflate);
    this.#rateLimit = new RateLimitStage(this.options.rateLimit, (context, refusal, frameId) =>
      disconnectRateLimited(this.#connections.get(context.id), refusal, frameId),
    );
    // Rate limits first: a flood of frames the ACL would refuse still pays its tokens.
    this.#stages = new FrameStages([this.#rateLimit, authorizationStage]);
    this.#scheduler = new FlushScheduler(this.options.flushSliceMs);
    this.#writerSettings = new WriterSettings(
      DEFAULT_OUTBOUND_LIMITS,
      this.#scheduler,
      this.options.replyQueueBytes,
    );
    this.#throttle = new InboundThrottle(this.#scheduler);
    this.#ownsHttp = options.server === undefined;
    this.#http = options.server ?? createServer();
    this.#heartbeat = new Heartbeat(this.options.heartbeatIntervalMs, this.#connections);
    this.#rejection = new FrameRejection((connection, error) =>
      this.emit('client-error', connection.info(), error),
    );
    this.#handshake = new Handshake(this.options, {
      rejection: this.#rejection,
      epoch: () => this.#handler?.epoch ?? 'none',
      authenticated: (connection) => {
        this.#credentials.opened(connection);
        // The pre-authentication cap on message size ends with the handshake.
        limitMessages(connection.socket, this.options.maxPayload * 2);
        this.counters.handshakes += 1;
        this.emit('authenticated', connection.info());
      },
      error: (error) => this.#emitError(error),
      dispatch: (connection, frame) => this.#pipeline.dispatch(connection, frame),
    });
    const server = this;
    this.#credentials = new Credentials(this.options, {
      rejection: this.#rejection,
      get router() {
        return server.#handler;
      },
      refreshed: (connection) => this.emit('token-refreshed', connection.info()),
      error: (error) => this.#emitError(error),
    });
    this.#pipeline = new InboundPipeline({
      maxPayload: this.options.maxPayload,
      preAuthMessageLimit: preAuthMessageLimit(this.options),
      handshake: this.#handshake,
      stages: this.#stages,
      rateLimit: this.#rateLimit,
      rejection: this.#rejection,
      throttle: this.#throttle,
      get router() {
        return server.#handler;
      },
      refresh: (connection, frame) => this.#credentials.refresh(connection, frame),
      message: (connection, frame) => {
        this.counters.frameIn(frame.type);
        if (this.listenerCount('message') > 0) this.emit('message', connection.info(), frame);
      },
      error: (error) => this.#emitError(error),
    });
    this.#reads = new FairReads(
      { frames: this.options.readBudgetFrames, bytes: this.options.readBudgetBytes },
      (connection, data, isBinary) => this.#pipeline.receive(connection, data, isBinary),
    );
    this.#upgrade = new Upgrade({
      options: this.options,
      ownsHttp: this.#ownsHttp,
      get connectionCount() {
        return server.#connections.size;
      },
      get isShuttingDown() {
        return server.isShuttingDown;
      },
      accept: (ws, request, counted) => this.#accept(ws, request, counted),
      refused: (status, remoteAddress, why) => {
        this.counters.upgradeRefused(status);
        this.#log?.upgradeRefused(status, remoteAddress, why);
      },
    });
    this.#kpi = new KpiSampler(this.options.metricsIntervalMs, {
      name: this.options.name,
      stats: () => this.stats(),
      uptimeSeconds: () => this.health().uptimeSeconds,
      principals: () => this.#connections.principalCount(),
      watched: (topic) => this.#handler?.watched(topic) ?? false,
      publish: (topic, data) =>
        this.#handler ? this.#handler.publish(topic, data) : Promise.resolve(),
      error: (error) => this.#emitError(error),
    });
    const sse = this.options.sse;
    this.#sse =
      sse === undefined
        ? undefined
        : new SseEndpoint({
            options: sse,
            admit: (request, stream, opens) => this.#upgrade.admitHttp(request, stream, opens),
            allowsOrigin: (origin) => this.#upgrade.allowsOrigin(origin),
            accept: (socket, request) => this.#accept(socket, request, false),
          });
    this.#http.on('upgrade', this.#upgrade.handle);
    const metrics = resolveMetricsOptions(options.metrics);
    if (metrics !== undefined) {
      this.#metrics = new HubMetrics(metrics, {
        stats: () => this.stats(),
        counters: this.counters,
        queuedBytes: () => this.#connections.queuedBytes(),
        engine: () => this.#handler?.engine,
      });
      this.#scheduler.onWritten = () => this.counters.written();
    }
    const logger = resolveLogger(options.logger, this.options.name);
    if (logger !== undefined) this.#log = logServerEvents(this, new HubLog(logger));
    // On its own server the hub counts and times connections from their arrival.
    if (this.#ownsHttp) {
      this.#http.on('connection', this.#upgrade.connection);
      this.#http.on('request', this.#upgrade.request);
    }
    if (this.#ownsHttp && (this.options.httpEndpoints || this.options.httpHandler || this.#sse)) {
      routeHttpRequests(this.#http, {
        sse: this.#sse === undefined ? undefined : (req, res) => this.#sse!.handle(req, res),
        endpoints: this.options.httpEndpoints
          ? (req, res) => handleHttpEndpoint(this, req, res)
          : undefined,
        extra: this.options.httpHandler,
        error: (error) => this.#emitError(error),
      });
    }
  }

  /** The bound port (after `start()`). */
  get port(): number {
    const address = this.#http.address() as AddressInfo | null;
    return address?.port ?? 0;
  }

  /** `ws://host:port` of the running server. */
  get url(): string {
    return hubUrl(this.#http, this.options.host, this.options.path);
  }

  get isShuttingDown(): boolean {
    return this.#shutdown !== undefined;
  }

  /**
   * Resolves once the server is listening, after the attached router's engine opened (an
   * engine that must connect first, such as Redis, is ready before the first client).
   */
  start(): Promise<void> {
    this.#started ??= this.#open().then(() => {
      this.#startedAt = Date.now();
      this.#heartbeat.start();
      if (this.#handler) this.#kpi.start();
      const address = this.#http.address() as AddressInfo;
      this.emit('listening', { host: address.address, port: address.port });
      this.emit('started', { host: address.address, port: address.port });
    });
    return this.#started;
  }

  /**
   * Adds a stage every subscribe, unsubscribe, publish and request frame of an authenticated
   * connection passes before it is routed (see `FrameStage`); returns a function that
   * removes it. Stages run in the order they were added, after authorization.
   */
  use(stage: FrameStage): () => void {
    return this.#stages.add(stage);
  }

  /**
   * @internal
   * Registers the router that handles subscribe, unsubscribe, publish and request frames;
   * WSRouter calls it from its constructor.
   */
  attach(handler: FrameHandler, request: AttachRequest): ServerLink {
    if (this.#handler && this.#handler !== handler) {
      throw new TypeError('A router is already attached to this WSServer');
    }
    const maxSubscriptionsPerClient = settleSubscriptionLimit(
      request.maxSubscriptionsPerClient,
      this.options.maxSubscriptionsPerClient,
    );
    this.#handler = handler;
    // Connections accepted before a router attached keep the defaults.
    this.#writerSettings = new WriterSettings(
      request.outboundLimits,
      this.#scheduler,
      this.options.replyQueueBytes,
    );
    return {
      connection: (clientId) => this.#connections.get(clientId),
      connections: () => this.#connections.values(),
      maxSubscriptionsPerClient,
      counters: this.counters,
      events: {
        subscribed: (client, patterns) => this.emit('subscribe', client, patterns),
        unsubscribed: (client, patterns) => this.emit('unsubscribe', client, patterns),
        published: (entry) => {
          this.#kpi.count(entry.topic);
          if (this.listenerCount('publish') > 0) this.emit('publish', entry);
        },
      },
    };
  }

  /**
   * The authenticated clients. The seed API returned their ids; every method that takes a
   * client id takes a `ClientInfo` too, so code that passes these on keeps working, and
   * `getConnectedClientIds()` returns the ids.
   */
  getConnectedClients(): ClientInfo[] {
    return this.#connections.openInfos();
  }

  /** The ids of the authenticated clients. */
  getConnectedClientIds(): string[] {
    return this.#connections.openIds();
  }

  getClient(clientId: string | ClientInfo): ClientInfo | undefined {
    return this.#connections.get(clientIdOf('getClient', clientId))?.info();
  }

  /** @internal The rate-limit stage (the `testing` entry sets its clock). */
  get rateLimitStage(): RateLimitStage {
    return this.#rateLimit;
  }

  /** @internal The live connection behind a client id (tests and the `testing` entry). */
  getConnection(clientId: string): ServerConnection | undefined {
    return this.#connections.get(clientId);
  }

  /**
   * Sends an application message (any JSON value, such as `{ type: 'notification', data }`)
   * to every authenticated client, as a `message` frame: clients emit it as `message` (and
   * `message:<type>`). Not a topic event: no log, no offset, no replay. Returns how many got
   * it; throws when the value is not JSON a client would accept.
   */
  broadcast(message: unknown): number {
    return this.#connections.sendToAll(encodeAppMessage('broadcast', message));
  }

  /**
   * Sends an application message to one client as a `message` frame (see `broadcast`); false
   * when it is not connected.
   */
  sendMessage(clientId: string | ClientInfo, message: unknown): boolean {
    const text = encodeAppMessage('sendMessage', message);
    const connection = this.#connections.get(clientIdOf('sendMessage', clientId));
    return connection?.isOpen === true && connection.output.sendRaw(text);
  }

  /** Closes one client with close code 4006 (it will not reconnect on its own). */
  disconnectClient(clientId: string | ClientInfo, reason = 'Disconnected by server'): boolean {
    const connection = this.#connections.get(clientIdOf('disconnectClient', clientId));
    if (!connection || connection.state === 'closed') return false;
    connection.close(CloseCode.KICKED, reason);
    return true;
  }

  /**
   * Ends every connection of a principal now, with a `disconnect` frame (`reconnect: false`)
   * and close 4009 (REVOKED: clients do not reconnect on their own). Returns how many were
   * ended. It refuses nothing later: keep new connections out with `isRevoked`.
   */
  revoke(principalId: string, reason = 'Credentials revoked'): number {
    return this.#credentials.revoke(this.#connections.values(), principalId, reason);
  }

  /**
   * Serves the HTTP fallback (`sse`), `/health`, `/stats` and (with `metrics`) `/metrics` on
   * a server you own; returns false for other requests.
   */
  handleHttpRequest(request: IncomingMessage, response: ServerResponse): boolean {
    return (
      this.#sse?.handle(request, response) === true || handleHttpEndpoint(this, request, response)
    );
  }

  /** The prom-client registry of the hub's metrics; undefined unless `metrics` is on. */
  get metricsRegistry(): Registry | undefined {
    return this.#metrics?.registry;
  }

  /** @internal The Prometheus exposition `GET /metrics` answers (with `metrics`). */
  metrics(): Promise<{ contentType: string; body: string }> | undefined {
    return this.#metrics?.exposition();
  }

  /**
   * `status` is `ok`, `shutting-down`, or `unhealthy` when the router's engine says this
   * node no longer receives the log (a Redis link down or wedged): `/health` then answers
   * 503 with `reason` and the engine's report, so a load balancer moves clients away.
   */
  health(): HealthReport {
    return healthReport({
      shuttingDown: this.isShuttingDown,
      name: this.options.name,
      connections: this.#connections.size,
      startedAt: this.#startedAt,
      nodeId: this.#bus.nodeId,
      engine: this.#handler?.health(),
    });
  }

  /** This node's counters (`server.cluster.stats()` sums every node's). */
  stats(): StatsReport {
    return statsReport({
      connections: this.#connections,
      router: this.#handler?.stats(),
      pausedReads: this.#throttle.paused,
      readPauses: this.#throttle.pauses,
      pendingUpgrades: this.#upgrade.pending,
    });
  }

  /**
   * Stops accepting, tells every client to reconnect elsewhere, lets queued frames flush and
   * closes with 1001; sockets still open after `timeoutMs` are cut. Resolves when all is closed.
   */
  shutdown(timeoutMs: number = this.options.shutdownTimeoutMs): Promise<void> {
    if (this.#shutdown === undefined) this.#log?.shutdown(this.#connections.size);
    this.#shutdown ??= this.#drain(timeoutMs).then(() => this.#log?.shutdownDone());
    return this.#shutdown;
  }

  // ---- internals --------------------------------------------------------------------------

  async #open(): Promise<void> {
    await this.#handler?.open();
    await listenHttp(this.#http, this.options, this.#ownsHttp);
    await this.#bus.start((command) => runClusterCommand(this, command));
  }

  #accept(ws: HubSocket, request: IncomingMessage, upgraded: boolean): void {
    // `upgraded`: the upgrade handed the connection's address count over (see Upgrade.left).
    const connection = new ServerConnection(randomUUID(), ws, request.socket.remoteAddress, {
      upgraded,
      writer: this.#writerSettings,
      reads: this.#reads,
      onDrop: this.#onDrop,
      onRefusal: this.#onRefusal,
      ...(this.#deflater !== undefined && negotiatedDeflate(ws.extensions)
        ? { deflater: this.#deflater }
        : {}),
    });
    // Until welcome, ws buffers no message beyond twice the pre-authentication limit.
    limitMessages(ws, preAuthMessageLimit(this.options) * 2);
    this.#connections.set(connection.id, connection);
    this.counters.opened += 1;
    this.#socketListeners.listen(connection);
    this.#handshake.begin(connection, request);
    this.emit('connection', connection.info());
    this.#handshake.checkSubprotocol(connection);
  }

  readonly #onRefusal = (connection: ServerConnection, code: string, message: string): void => {
    this.counters.refused(code);
    this.#log?.refused(connection.id, connection.remoteAddress, code, message);
  };

  readonly #onDrop = (connection: ServerConnection, topic: string, offset: number): void => {
    this.#log?.dropped(connection.id, () => connection.info());
    this.#handler?.handleDrop(connection, topic, offset);
  };

  readonly #socketListeners = createSocketListeners({
    message: (connection, data, isBinary) => {
      // A sign of life even when the message waits for the connection's next read turn.
      connection.alive = true;
      this.#reads.receive(connection, data, isBinary);
    },
    close: (connection, code, reason) => this.#onClose(connection, code, reason),
    error: (connection, error) =>
      // ws closes the socket itself (e.g. 1009 past the hard payload cap); just report.
      this.emit('client-error', connection.info(), SwitchboardError.from(error)),
  });

  #onClose(connection: ServerConnection, code: number, reason: string): void {
    // What ws read before the close is handled first, as it would have been without the budget.
    this.#reads.close(connection);
    connection.state = 'closed';
    this.#handshake.end(connection);
    this.#stages.closed(connection, (error) => this.#emitError(error));
    this.#credentials.closed(connection);
    connection.output.release();
    this.#connections.remove(connection);
    if (connection.upgraded) this.#upgrade.left(connection.remoteAddress);
    this.counters.closed(code);
    try {
      this.#handler?.handleClose(connection);
    } catch (error) {
      this.#emitError(error);
    }
    const info = connection.info();
    this.emit('disconnection', info, code, reason);
    this.emit('disconnect', info, code, reason);
  }

  #emitError(error: unknown): void {
    this.emit('error', error instanceof Error ? error : new Error(String(error)));
  }

  async #drain(timeoutMs: number): Promise<void> {
    this.#heartbeat.stop();
    this.#kpi.stop();
    const httpClosed =
      this.#ownsHttp && this.#http.listening
        ? new Promise<void>((resolve) => this.#http.close(() => resolve()))
        : Promise.resolve();
    await drainConnections(this.#connections, timeoutMs);
    await this.#bus.stop().catch((error: unknown) => this.#emitError(error));
    this.#http.off('upgrade', this.#upgrade.handle);
    await this.#upgrade.close();
    this.#sse?.destroy();
    await httpClosed;
  }
}
