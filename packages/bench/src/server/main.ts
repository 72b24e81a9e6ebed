/**
 * Server child process: runs one server under test, pinned alone on the server core, and
 * reports its CPU time, memory and event-loop delay when the orchestrator asks.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { nowUs } from '../clock.ts';
import { childConfig, collectGarbage, cpuMicros, emit, serve } from '../process/child-runtime.ts';
import { startBaseline } from './baseline.ts';
import type {
  BenchServer,
  LoopDelay,
  ServerCommands,
  ServerConfig,
  SwitchboardControl,
} from './commands.ts';
import { startNats } from './nats.ts';
import { startSocketIo } from './socketio.ts';
import { startSwitchboard } from './switchboard.ts';

const config = childConfig<ServerConfig>();

async function start(): Promise<BenchServer> {
  switch (config.target) {
    case 'b0':
    case 'b1':
    case 'b2':
      return startBaseline(config.target);
    case 'socketio':
      return startSocketIo();
    case 'switchboard':
      return startSwitchboard(config.switchboard);
    case 'nats':
      return startNats();
  }
}

const server = await start();
let loopMonitor: IntervalHistogram | undefined;

function control(): SwitchboardControl {
  if (!server.control) throw new Error(`${config.target} has no Switchboard controls`);
  return server.control;
}

serve<ServerCommands>({
  mark: () => {
    const external = server.process;
    if (external) {
      // The server is nats-server: its CPU and RSS; it has no V8 heap.
      return {
        hrUs: nowUs(),
        cpuUs: external.cpuUs(),
        rss: external.rss(),
        heapUsed: Number.NaN,
        counters: server.counters(),
      };
    }
    const memory = process.memoryUsage();
    return {
      hrUs: nowUs(),
      cpuUs: cpuMicros(),
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      counters: server.counters(),
    };
  },
  memory: async () => {
    // Let sockets settle (pending handshakes, timers) before collecting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const external = server.process;
    if (external) {
      // Go's runtime cannot be told to collect from outside; RSS as it stands.
      const rss = external.rss();
      return {
        heapUsed: Number.NaN,
        heapTotal: Number.NaN,
        rss,
        external: Number.NaN,
        arrayBuffers: Number.NaN,
        gcForced: false,
      };
    }
    const gcForced = collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    const memory = process.memoryUsage();
    return {
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      rss: memory.rss,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      gcForced,
    };
  },
  loopDelay: ({ resolutionMs }): LoopDelay => {
    if (!loopMonitor) {
      loopMonitor = monitorEventLoopDelay({ resolution: resolutionMs ?? 10 });
      loopMonitor.enable();
    }
    const h = loopMonitor;
    const reading: LoopDelay =
      h.count > 0
        ? {
            samples: h.count,
            p50Us: h.percentile(50) / 1000,
            p99Us: h.percentile(99) / 1000,
            maxUs: h.max / 1000,
            meanUs: h.mean / 1000,
          }
        : { samples: 0, p50Us: 0, p99Us: 0, maxUs: 0, meanUs: 0 };
    h.reset();
    return reading;
  },
  gate: ({ open }) => ({ released: control().gate(open) }),
  cut: ({ connectionId }) => ({ cut: control().cut(connectionId) }),
  publishBatch: ({ count }) => control().publishBatch(count),
  queues: () => control().queues(),
});

emit('ready', { port: server.port });
