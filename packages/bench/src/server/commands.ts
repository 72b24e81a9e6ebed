import type { TargetId } from '../targets.ts';

export interface ServerConfig {
  target: TargetId;
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

export type ServerCommands = {
  mark: { args: null; result: ServerMark };
  /** Forces GC (the server runs with --expose-gc) and reads memory. */
  memory: { args: null; result: ServerMemory };
};

/** One server under test, inside the server child process. */
export interface BenchServer {
  readonly port: number;
  counters(): Record<string, number>;
}
