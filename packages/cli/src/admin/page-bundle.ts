import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * The admin page's script: `page/main.ts`, `@switchboard/client`'s browser build and the
 * shared `@switchboard/dashboard-ui`, bundled by esbuild. The published CLI ships it built
 * (`dist/admin.js`, next to `dist/main.js`: `pnpm build` runs `scripts/build-admin-page.ts`);
 * the tests' bundle gets its own (`.test-dist/admin.js`). Run from source (tsx), where no
 * built file sits next to this module, it is bundled on first request with the esbuild the
 * repository has.
 */
export const ADMIN_ENTRY = fileURLToPath(new URL('./page/main.ts', import.meta.url));

/** esbuild options of the admin bundle (one copy: build script, tests, source fallback). */
export function adminBuildOptions(fromSource: boolean): BuildOptions {
  return {
    entryPoints: [ADMIN_ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    conditions: fromSource ? ['browser', 'source'] : ['browser'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  };
}

let pending: Promise<string> | undefined;

/** The script, read once (or bundled once from source) per process. */
export function adminScript(): Promise<string> {
  pending ??= load().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function load(): Promise<string> {
  try {
    return await readFile(new URL('./admin.js', import.meta.url), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!import.meta.url.endsWith('.ts')) {
    throw new Error('admin.js is missing next to the CLI: reinstall @switchboard/cli');
  }
  // Not a literal: the CLI's own bundles must not take esbuild in (it ships a native binary).
  const name = 'esbuild';
  const esbuild = (await import(name)) as typeof import('esbuild');
  const result = await esbuild.build({ ...adminBuildOptions(true), write: false });
  return result.outputFiles?.[0]?.text ?? '';
}
