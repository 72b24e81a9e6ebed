import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const NODE_SCRIPT = fileURLToPath(new URL('./node.ts', import.meta.url));

export interface HubNodeOptions {
  redisUrl: string;
  keyPrefix: string;
  /** @default 0 (a free port) */
  port?: number;
}

/** A hub node process (`node.ts`) this test owns: started, killed with SIGKILL or stopped. */
export class HubNode {
  private constructor(
    readonly url: string,
    readonly pid: number,
    private readonly child: ChildProcess,
    readonly stderr: () => string,
  ) {}

  /** Starts a node and resolves once it listens. */
  static start(options: HubNodeOptions): Promise<HubNode> {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', NODE_SCRIPT], {
      cwd: PACKAGE_DIR,
      env: {
        ...process.env,
        REDIS_URL: options.redisUrl,
        KEY_PREFIX: options.keyPrefix,
        PORT: String(options.port ?? 0),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    return new Promise((resolve, reject) => {
      let output = '';
      const onExit = (code: number | null) =>
        reject(new Error(`hub node exited (${code}) before listening: ${errors}`));
      child.once('exit', onExit);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.startsWith('{'));
        if (line === undefined || !output.includes('\n')) return;
        child.off('exit', onExit);
        child.stdout?.resume();
        const { url, pid } = JSON.parse(line) as { url: string; pid: number };
        resolve(new HubNode(url, pid, child, () => errors));
      });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: a crash, no goodbye to its clients. Resolves once the process is gone. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM: a graceful shutdown that tells its clients to go elsewhere. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    return exited;
  }
}
