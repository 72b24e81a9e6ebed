import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
/** Under the package's node_modules, so that the bundle finds ioredis and ws at run time. */
const out = join(here, '../../node_modules/.cache/switchboard-test/cluster-node.mjs');
let bundled: Promise<void> | undefined;

/** Bundles `cluster-node.ts` (workspace packages from source) once per test run. */
function bundle(): Promise<void> {
  bundled ??= (async () => {
    await mkdir(dirname(out), { recursive: true });
    await build({
      entryPoints: [join(here, 'cluster-node.ts')],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['source'],
      external: ['ioredis', 'ws', 'bufferutil', 'utf-8-validate'],
      // CommonJS dependencies bundled into ESM (pino) require Node's built-ins at run time.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
  })();
  return bundled;
}

/** A hub node in a child process (see `cluster-node.ts`); `kill()` is SIGKILL. */
export class NodeProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly nodeId: string,
  ) {}

  static async start(env: { REDIS_URL: string; KEY_PREFIX: string }): Promise<NodeProcess> {
    await bundle();
    const child = spawn(process.execPath, [out], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const end = text.indexOf('\n');
        if (end >= 0) resolve(text.slice(0, end));
      });
      child.once('exit', (code) =>
        reject(new Error(`hub node exited with ${code} before listening`)),
      );
      child.once('error', reject);
    });
    const { url, nodeId } = JSON.parse(line) as { url: string; nodeId: string };
    return new NodeProcess(child, url, nodeId);
  }

  /** SIGKILL: no shutdown, no goodbye on the bus. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await gone;
  }
}
