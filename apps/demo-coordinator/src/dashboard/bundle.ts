import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * Bundles the dashboard's browser code (`src/dashboard/client/main.ts` and the browser
 * build of `@switchboard/client`) with esbuild, once per process, when the first page asks
 * for it. Bundling at start keeps `dist` to the server and needs no extra build step.
 *
 * The `browser` condition picks `@switchboard/client`'s browser entry (native WebSocket, no
 * `ws`). Running from source (tsx, vitest) adds `source`, so workspace packages are bundled
 * from their `src` and no build is needed; running `dist/main.js` bundles their `dist`.
 */
export interface DashboardBundle {
  code: string;
  /** The same, gzipped once for browsers that accept it (zod is most of the bundle). */
  gzip: Buffer;
  bytes: number;
  ms: number;
}

let pending: Promise<DashboardBundle> | undefined;

export function bundleDashboard(): Promise<DashboardBundle> {
  pending ??= build().catch((error: unknown) => {
    pending = undefined; // let the next request try again
    throw error;
  });
  return pending;
}

async function build(): Promise<DashboardBundle> {
  const started = performance.now();
  const here = fileURLToPath(import.meta.url);
  const root = packageRoot(dirname(here));
  const fromSource = here.endsWith('.ts');
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(root, 'src/dashboard/client/main.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    conditions: fromSource ? ['browser', 'source'] : ['browser'],
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return {
    code,
    gzip: gzipSync(code),
    bytes: Buffer.byteLength(code),
    ms: Math.round(performance.now() - started),
  };
}

/** The directory of this app's package.json, from `src/dashboard` or from `dist`. */
function packageRoot(start: string): string {
  let directory = start;
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === '@switchboard/demo-coordinator') return directory;
    }
    const parent = dirname(directory);
    if (parent === directory)
      throw new Error('dashboard: cannot find the demo-coordinator package root');
    directory = parent;
  }
}
