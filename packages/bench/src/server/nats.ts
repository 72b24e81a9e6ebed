import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECT_COMMAND, NatsReader, pubCommand } from '../load/nats-protocol.ts';
import { AGENT_STREAM, AGENT_STREAM_MAX_MSGS, AGENT_STREAM_SUBJECTS } from '../targets.ts';
import type { BenchServer, ExternalProcess } from './commands.ts';
import { natsServerBinary } from './nats-binary.ts';

/** Linux USER_HZ: /proc/<pid>/stat times are in these ticks. */
const TICKS_PER_SECOND = 100;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** CPU (user + system, all threads) and RSS of another process, from /proc. */
export function procProcess(pid: number): ExternalProcess {
  return {
    pid,
    cpuUs: () => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      return (ticks * 1e6) / TICKS_PER_SECOND;
    },
    rss: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
      return kb === undefined ? Number.NaN : Number(kb) * 1024;
    },
  };
}

/** Creates the in-memory JetStream stream over the plain client port (request/reply). */
async function createStream(clientPort: number): Promise<void> {
  const config = JSON.stringify({
    name: AGENT_STREAM,
    subjects: AGENT_STREAM_SUBJECTS,
    storage: 'memory',
    retention: 'limits',
    discard: 'old',
    max_msgs: AGENT_STREAM_MAX_MSGS,
    num_replicas: 1,
  });
  const socket = netConnect({ host: '127.0.0.1', port: clientPort });
  const reader = new NatsReader();
  try {
    const reply = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no stream create reply in 10 s')), 10_000);
      reader.onError = (message) => reject(new Error(message));
      reader.onPing = () => socket.write('PONG\r\n');
      reader.onInfo = () => {
        socket.write(CONNECT_COMMAND);
        socket.write('SUB _INBOX.bench.create 1\r\n');
        socket.write(
          pubCommand(`$JS.API.STREAM.CREATE.${AGENT_STREAM}`, config, '_INBOX.bench.create'),
        );
      };
      reader.onMsg = (_sid, buf, start, end) => {
        clearTimeout(timer);
        resolve(buf.toString('utf8', start, end));
      };
      socket.on('data', (chunk: Buffer) => reader.feed(chunk, 0, chunk.length));
      socket.on('error', reject);
    });
    const parsed = JSON.parse(reply) as { error?: { description?: string } };
    if (parsed.error) throw new Error(`stream create: ${parsed.error.description ?? reply}`);
  } finally {
    socket.destroy();
  }
}

/**
 * `nats-server` from its package, started by this (pinned) child so it inherits the server
 * core: a generated config in a temp dir with a client port, a WebSocket listener without TLS
 * (what the load speaks) and JetStream, plus an in-memory stream over `agent.*.status` for
 * acknowledged publishes. It runs under `sh`, which kills it (and removes the temp dir) when
 * our stdin pipe closes, so it cannot outlive this process even when we are SIGKILLed.
 */
export async function startNats(): Promise<BenchServer> {
  const binary = natsServerBinary();
  if ('missing' in binary) throw new Error(binary.missing);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-nats-'));
  const [clientPort, wsPort] = [await freePort(), await freePort()];
  const configFile = join(dir, 'nats.conf');
  writeFileSync(
    configFile,
    [
      `listen: "127.0.0.1:${clientPort}"`,
      'max_connections: 65536',
      `websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }`,
      `jetstream { store_dir: ${JSON.stringify(join(dir, 'js'))}, max_memory_store: 1073741824, max_file_store: 0 }`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    'sh',
    [
      '-c',
      '"$1" -c "$2" & p=$!; echo "$p"; read _ignored; kill "$p" 2>/dev/null; wait "$p"; rm -rf "$3"',
      'sh',
      binary.path,
      configFile,
      dir,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const cleanup = () => {
    try {
      child.stdin?.end();
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    let log = '';
    let natsPid = 0;
    const timer = setTimeout(
      () => reject(new Error(`nats-server not ready in 20 s: ${log}`)),
      20_000,
    );
    let ready = false;
    const settle = () => {
      if (!ready || !natsPid) return;
      clearTimeout(timer);
      resolve(natsPid);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!natsPid && out.includes('\n')) natsPid = Number(out.split('\n')[0]);
      settle();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
      if (log.includes('Server is ready')) ready = true;
      if (/\[(FTL|ERR)\]/.test(chunk.toString())) process.stderr.write(`[nats] ${chunk}`);
      settle();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited (${code}): ${log.slice(-500)}`));
    });
  });
  await createStream(clientPort);
  return {
    port: wsPort,
    counters: () => ({}),
    process: procProcess(pid),
  };
}
