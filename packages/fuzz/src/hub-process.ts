import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './hub-messages.ts';

const ENTRY = fileURLToPath(new URL('./hub-main.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));

export interface HubExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the hub exited before it was asked to stop: a crash. */
  crashed: boolean;
}

/** The hub under test in a child process: node with tsx and the `source` condition. */
export class HubProcess {
  readonly url: string;
  readonly exited: Promise<HubExit>;
  heapPeak = 0;
  rssPeak = 0;
  /** What the hub reported when it stopped; undefined when it did not (it crashed). */
  final: Extract<ChildMessage, { type: 'final' }> | undefined;
  /** Set once the hub was asked to stop: an exit after it is no crash. */
  stopping = false;

  private constructor(
    readonly child: ChildProcess,
    url: string,
    exited: Promise<HubExit>,
  ) {
    this.url = url;
    this.exited = exited;
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'memory' || message.type === 'final') {
        this.heapPeak = Math.max(this.heapPeak, message.heapPeak);
        this.rssPeak = Math.max(this.rssPeak, message.rssPeak);
      }
      if (message.type === 'final') this.final = message;
    });
  }

  /** `env` is added to the child's environment (e.g. FUZZ_HUB_FAULT in the soak's own tests). */
  static async start(env: Record<string, string> = {}): Promise<HubProcess> {
    // FUZZ_HUB_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the hub (stopped
    // gracefully at the end, so the profile gets written).
    const flags = (process.env.FUZZ_HUB_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
    const child = spawn(
      process.execPath,
      [...flags, '--conditions=source', '--import', 'tsx', ENTRY],
      {
        cwd: PACKAGE_DIR,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, NODE_OPTIONS: '', ...env },
      },
    );
    let hub: HubProcess | undefined;
    const exited = new Promise<HubExit>((resolve) => {
      child.once('exit', (code, signal) =>
        resolve({
          code,
          signal,
          crashed: !(hub?.stopping ?? false) || (code !== 0 && code !== null),
        }),
      );
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('hub did not start within 30 s')), 30_000);
      child.on('message', (message: ChildMessage) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message.url);
      });
      exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`hub exited before it was ready (code ${exit.code}, ${exit.signal})`));
      });
    });
    hub = new HubProcess(child, url, exited);
    return hub;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Tells the hub the run starts: its loop-delay figures start over. */
  measure(): void {
    if (this.running && this.child.connected)
      this.child.send({ type: 'measure' } satisfies ParentMessage);
  }

  /** Asks the hub to shut down; kills it if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<HubExit> {
    if (this.running && this.child.connected) {
      this.stopping = true;
      this.child.send({ type: 'stop' } satisfies ParentMessage);
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}
