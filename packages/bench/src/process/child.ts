import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { progress } from '../log.ts';
import { placementOf } from './cores.ts';
import { type ChildEvent, type CommandMap, isEvent, isReply, type RpcReply } from './rpc.ts';

export interface SpawnOptions {
  /** Shown in progress lines and errors. */
  name: string;
  /** Entry file, relative to `src/`. */
  entry: string;
  /** JSON config handed to the child as its first argument. */
  config: unknown;
  role: 'server' | 'load';
  exposeGc?: boolean;
  /** Extra V8 flags, e.g. a larger heap for the router worker. */
  nodeFlags?: string[];
}

const SRC = fileURLToPath(new URL('../', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Extra node flags for server or load processes, for profiling a scenario:
 * `BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" pnpm bench -- --only latency`
 * (load processes: BENCH_LOAD_NODE_FLAGS).
 */
function flagsFromEnv(role: SpawnOptions['role']): string[] {
  const value =
    role === 'server' ? process.env.BENCH_SERVER_NODE_FLAGS : process.env.BENCH_LOAD_NODE_FLAGS;
  return (value ?? '').split(/\s+/).filter(Boolean);
}

/** Every child still running, so a failure or Ctrl-C can take them all down. */
const live = new Set<Child<CommandMap>>();

/**
 * A child process of the benchmark: node with tsx and the `source` condition, its open-file
 * soft limit raised to the hard limit, pinned with taskset when available. `sh` execs into
 * node, so the pid we hold is node's.
 */
export class Child<C extends CommandMap> {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  #nextRpc = 1;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; cmd: string }
  >();
  readonly #listeners = new Map<string, ((data: unknown) => void)[]>();
  #exitCode: number | null | undefined;
  #graceful = false;
  readonly #ready: Promise<unknown>;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.process = child;
    // Listen from the start: a child may be ready before anyone asks.
    this.#ready = new Promise((resolve) => {
      const off = this.on('ready', (data) => {
        off();
        resolve(data);
      });
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitCode = code ?? (signal ? -1 : null);
        live.delete(this as unknown as Child<CommandMap>);
        for (const { reject, cmd } of this.#pending.values()) {
          reject(new Error(`${name} exited (code ${code}, signal ${signal}) during "${cmd}"`));
        }
        this.#pending.clear();
        resolve(code);
      });
    });
    child.on('message', (message: unknown) => this.#onMessage(message));
    child.on('error', (error) => progress(`${name}: process error ${error.message}`));
  }

  static spawn<C extends CommandMap>(options: SpawnOptions): Child<C> {
    const where = placementOf();
    const core = options.role === 'server' ? where.serverCore : where.loadCore;
    const flags = [
      '--conditions=source',
      '--import',
      'tsx',
      ...(options.exposeGc ? ['--expose-gc'] : []),
      ...(options.nodeFlags ?? []),
      ...flagsFromEnv(options.role),
    ];
    const node = [JSON.stringify(process.execPath), ...flags].join(' ');
    const pin = where.pinned ? `taskset -c ${core} ` : '';
    const script = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${pin}${node} "$1" "$2"`;
    const child = spawn(
      'sh',
      ['-c', script, 'sh', SRC + options.entry, JSON.stringify(options.config)],
      {
        cwd: PACKAGE_DIR,
        // Children write diagnostics to stderr; their stdout goes there too so ours keeps the table.
        stdio: ['ignore', process.stderr, 'inherit', 'ipc'],
        serialization: 'advanced',
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    const wrapped = new Child<C>(options.name, child);
    wrapped.#graceful = flagsFromEnv(options.role).length > 0;
    live.add(wrapped as unknown as Child<CommandMap>);
    return wrapped;
  }

  /** The data of the child's `ready` event, once it has started up. */
  ready(timeoutMs: number): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name}: not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const exited = this.exited.then((code) => {
      throw new Error(`${this.name} exited (code ${code}) before it was ready`);
    });
    return Promise.race([this.#ready, timeout, exited]).finally(() => clearTimeout(timer));
  }

  get running(): boolean {
    return this.#exitCode === undefined;
  }

  /** Resolves with the data of the next `event` the child emits. */
  next(event: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${this.name}: no "${event}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(event, (data) => {
        clearTimeout(timer);
        off();
        resolve(data);
      });
      this.exited.then((code) => {
        clearTimeout(timer);
        off();
        reject(new Error(`${this.name} exited (code ${code}) before "${event}"`));
      });
    });
  }

  on(event: string, listener: (data: unknown) => void): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener);
    this.#listeners.set(event, list);
    return () => {
      const current = this.#listeners.get(event) ?? [];
      this.#listeners.set(
        event,
        current.filter((l) => l !== listener),
      );
    };
  }

  call<K extends keyof C & string>(
    cmd: K,
    args: C[K]['args'],
    timeoutMs = 60_000,
  ): Promise<C[K]['result']> {
    if (!this.running || !this.process.connected) {
      return Promise.reject(new Error(`${this.name} is not running (command "${cmd}")`));
    }
    const rpc = this.#nextRpc++;
    return new Promise<C[K]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(rpc);
        reject(new Error(`${this.name}: "${cmd}" did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(rpc, {
        cmd,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as C[K]['result']);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ rpc, cmd, args });
    });
  }

  /** Fire-and-forget message (no reply), e.g. flow-control updates. */
  notify(name: string, args: unknown): void {
    if (this.running && this.process.connected) this.process.send({ notify: name, args });
  }

  /**
   * SIGKILL: benchmark children hold no state worth a graceful exit. A child started with
   * extra flags (see flagsFromEnv) gets SIGTERM first so that e.g. `--cpu-prof` can write its file.
   */
  async kill(): Promise<number | null> {
    if (!this.running) return this.exited;
    if (this.#graceful) {
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
      const code = await this.exited;
      clearTimeout(timer);
      return code;
    }
    this.process.kill('SIGKILL');
    return this.exited;
  }

  #onMessage(message: unknown): void {
    if (isReply(message)) {
      const reply = message as RpcReply;
      const pending = this.#pending.get(reply.rpc);
      if (!pending) return;
      this.#pending.delete(reply.rpc);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(`${this.name}: "${pending.cmd}" failed: ${reply.error}`));
      return;
    }
    if (isEvent(message)) {
      const event = message as ChildEvent;
      for (const listener of this.#listeners.get(event.event) ?? []) listener(event.data);
    }
  }
}

/** Kills every child still running (used in finally blocks and signal handlers). */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((child) => child.kill()));
}

/** Synchronous variant for `process.on('exit')`, where nothing async runs. */
export function killAllSync(): void {
  for (const child of live) {
    try {
      child.process.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
