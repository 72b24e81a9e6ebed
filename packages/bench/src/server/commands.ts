import type { TargetId } from '../targets.ts';

/** Switchboard settings a scenario may change; everything else stays at the defaults. */
export interface SwitchboardSettings {
  /** In-memory engine history, in events (default 10,000). */
  historySize?: number;
  /** Router `queueSize` (default 1,000 events per connection). */
  queueSize?: number;
  /**
   * Serve from an `http.Server` the bench owns (WSServer's `server` option), so that the
   * `gate` command can hold upgrade requests. Off by default: the hub owns its server.
   */
  gate?: boolean;
  /** Count the router's `message-dropped` events (a listener, as an application would add). */
  countDrops?: boolean;
}

export interface ServerConfig {
  target: TargetId;
  switchboard?: SwitchboardSettings;
}

export interface ServerMark {
  hrUs: number;
  /** process.cpuUsage() user + system, µs. */
  cpuUs: number;
  rss: number;
  heapUsed: number;
  counters: Record<string, number>;
}

export interface ServerMemory {
  heapUsed: number;
  /** V8 heap reserved (RSS counts it even when GC left it empty). */
  heapTotal: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  gcForced: boolean;
}

/** Event-loop delay since the previous reading (perf_hooks.monitorEventLoopDelay), µs. */
export interface LoopDelay {
  samples: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
}

export interface PublishedBatch {
  count: number;
  firstOffset: number;
  lastOffset: number;
  /** Payload sequence number `s` of the first event; the batch counts up from it. */
  firstSequence: number;
  ms: number;
}

/** The hub's outbound queues, over the open connections (ClientInfo). */
export interface QueueReport {
  connections: number;
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  totalQueuedBytes: number;
  /** Events dropped by the slow-consumer policy, summed over the open connections. */
  dropped: number;
  /** Connections with at least one dropped event. */
  connectionsWithDrops: number;
}

export type ServerCommands = {
  mark: { args: null; result: ServerMark };
  /** Forces GC (the server runs with --expose-gc) and reads memory. */
  memory: { args: null; result: ServerMemory };
  /**
   * Reads the event-loop delay recorded since the previous call and starts over; the first
   * call starts the monitor (`resolutionMs` then sets its sampling interval).
   */
  loopDelay: { args: { resolutionMs?: number }; result: LoopDelay };
  /** Switchboard with `gate`: hold upgrade requests (closed), or let held and new ones through. */
  gate: { args: { open: boolean }; result: { released: number } };
  /** Switchboard: destroys the TCP socket of one connection, as a network failure would. */
  cut: { args: { connectionId: string }; result: { cut: boolean } };
  /** Switchboard: `router.publish` of `count` 128-byte payloads over the bench topics. */
  publishBatch: { args: { count: number }; result: PublishedBatch };
  /** Switchboard: outbound queue sizes and drops per connection. */
  queues: { args: null; result: QueueReport };
};

/** Hooks of the Switchboard server used by the replay and slow-consumer scenarios. */
export interface SwitchboardControl {
  gate(open: boolean): number;
  cut(connectionId: string): boolean;
  publishBatch(count: number): Promise<PublishedBatch>;
  queues(): QueueReport;
}

/** A server under test that is another program (nats-server), started by the server child. */
export interface ExternalProcess {
  pid: number;
  /** User + system CPU time of all its threads, µs (/proc, 10 ms resolution). */
  cpuUs(): number;
  rss(): number;
}

/** One server under test, inside the server child process. */
export interface BenchServer {
  readonly port: number;
  /** Set when the server is another process: its CPU and RSS are reported instead of ours. */
  readonly process?: ExternalProcess;
  counters(): Record<string, number>;
  /** Switchboard only. */
  control?: SwitchboardControl;
}
