/**
 * Server child process: runs one server under test, pinned alone on the server core, and
 * reports its CPU time and memory when the orchestrator asks.
 */
import { nowUs } from '../clock.ts';
import { childConfig, collectGarbage, cpuMicros, emit, serve } from '../process/child-runtime.ts';
import { startBaseline } from './baseline.ts';
import type { BenchServer, ServerCommands, ServerConfig } from './commands.ts';
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
      return startSwitchboard();
  }
}

const server = await start();

serve<ServerCommands>({
  mark: () => {
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
});

emit('ready', { port: server.port });
