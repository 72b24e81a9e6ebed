import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { adminBuildOptions } from '../admin/page-bundle.ts';
import { BUNDLE, PACKAGE_DIR } from './cli-process.ts';

/**
 * Bundles the CLI once per test run, workspace packages from their `src` (the `source`
 * condition), third-party packages left to node_modules, as the published build does.
 * Every test then starts `node .test-dist/main.js`, a third of the cost of a tsx start.
 */
export async function setup(): Promise<void> {
  await build({
    absWorkingDir: PACKAGE_DIR,
    entryPoints: ['src/main.ts'],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    external: ['commander', 'ioredis', 'jose', 'pino', 'prom-client', 'ws', 'zod'],
    logLevel: 'error',
  });
  // Next to the bundle, where `serve --admin` looks for it (as dist/admin.js in a build).
  await build({ ...adminBuildOptions(true), outfile: BUNDLE.replace(/main\.js$/, 'admin.js') });
}

export function teardown(): void {
  rmSync(new URL('../../.test-dist', import.meta.url), { recursive: true, force: true });
}
