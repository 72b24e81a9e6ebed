import type { ServerFrame } from '@switchboard/protocol';
import type { CompactSet, Engine, EngineHealthSummary, LogEntry } from '@switchboard/router';
import type { ClientInfo, ConnectionState } from './client-info.ts';
import type { SlabChunk } from './frame-slab.ts';
import type { CallTrafficFrame, RoutedFrame } from './frame-stage.ts';
import type { HubCounters } from './metrics-counters.ts';
import type { OutboundLimits } from './outbound-queue.ts';
import type { Principal } from './principal.ts';
import type { ReplayStream } from './replay-stream.ts';

/** The router's counters, as `stats()` and `/stats` report them. */
export interface RouterStats {
  subscriptions: number;
  topics: number;
  published: number;
  delivered: number;
  dropped: number;
}

/** @internal What the router may do with a connection's write path. */
export interface RouterOutput {
  /** Queues live event `index` of `chunk` (the fan-out hot path). */
  deliver(chunk: SlabChunk, index: number, epoch: string): void;
  /** Queues an already-serialized frame (a publish's ack); false when the socket is gone. */
  sendRaw(text: string): boolean;
  /** Queues replayed history ahead of live events. */
  replay(stream: ReplayStream): void;
  /** Live events wait while a recovery is in flight. */
  beginRecovery(): void;
  finishRecovery(): void;
  /**
   * Runs `start` in the connection's replay order: a subscribe that replays history once no
   * replay is in flight, other subscribes and unsubscribes once none waits; false when
   * `size()` more bytes would take the frames waiting past `budget`.
   */
  inReplayOrder(start: () => void, size: () => number, budget: number, replay: boolean): boolean;
}

/** @internal What the router sees of a connection: its session and its write path. */
export interface RouterConnection {
  readonly id: string;
  readonly state: ConnectionState;
  readonly principal: Principal | null;
  /** Scope of publish-id deduplication (see ServerConnection). */
  readonly dedupeScope: string;
  /** Patterns this connection subscribes to; the router keeps them and the index in step. */
  readonly subscriptions: CompactSet<string>;
  /** The router's fan-out round that last visited this connection (dedupes patterns). */
  fanOutMark: number;
  readonly output: RouterOutput;
  send(frame: ServerFrame): boolean;
  /** Flushes what is queued, then closes with `code` (see ServerConnection). */
  close(code: number, reason: string): void;
  info(): ClientInfo;
}

/** @internal What a router registers with the server it attaches to. */
export interface FrameHandler {
  /** A frame of an open connection that passed every stage. */
  handleFrame(connection: RouterConnection, frame: RoutedFrame): void;
  /** A frame of a call under way (a handler's answer, a caller's cancel or credit). */
  handleCallFrame(connection: RouterConnection, frame: CallTrafficFrame): void;
  handleClose(connection: RouterConnection): void;
  /** An event for this connection was dropped by the slow-consumer policy. */
  handleDrop(connection: RouterConnection, topic: string, offset: number): void;
  stats(): RouterStats;
  /** The engine's health, when it reports one (`/health` answers 503 when not ok). */
  health(): EngineHealthSummary | undefined;
  readonly epoch: string;
  /** The router's engine (the metrics read its figures). */
  readonly engine: Engine;
  /** Resolves once the router's engine is open; `WSServer.start()` waits for it. */
  open(): Promise<void>;
  /** Publishes from the hub itself (the KPI snapshots); resolves once in the log. */
  publish(topic: string, data: unknown): Promise<unknown>;
  /** Whether a connection of this node subscribes to a pattern matching `topic`. */
  watched(topic: string): boolean;
}

/** @internal What a router asks for when it attaches. */
export interface AttachRequest {
  /** Bounds of the outbound queue of every connection accepted from now on. */
  readonly outboundLimits: OutboundLimits;
  /** `maxSubscriptionsPerClient` as given to the router, if it was. */
  readonly maxSubscriptionsPerClient: number | undefined;
}

/** @internal What the server gives the router that attached. */
export interface ServerLink {
  /** The live connection behind a client id. */
  connection(clientId: string): RouterConnection | undefined;
  /** Every connection of the server now (any state). */
  connections(): Iterable<RouterConnection>;
  /**
   * The subscription limit handed over: the router's own, else the one WSServer was given
   * (the limit belongs to the router; WSServer accepts it where earlier versions took it).
   */
  readonly maxSubscriptionsPerClient: number | undefined;
  /** What the server re-emits under the seed API's names (`subscribe`, `unsubscribe`, `publish`). */
  readonly events: RouterActivity;
  /** The server's counters; the router counts replays and times publishes in them. */
  readonly counters: HubCounters;
}

/** @internal The router's activity the server reports as its own events. */
export interface RouterActivity {
  subscribed(client: ClientInfo, patterns: string[]): void;
  unsubscribed(client: ClientInfo, patterns: string[]): void;
  /** Called for every entry fanned out; the server emits only when someone listens. */
  published(entry: LogEntry): void;
}
