import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

/**
 * The build every published package shares: ESM with declarations and source maps for
 * Node 20. A package's own `tsup.config.ts` names its entries and anything it adds.
 */
export function packageConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    onSuccess: copyLicense,
    ...overrides,
  });
}

/**
 * Puts the repository's LICENSE beside a published package's package.json, where npm and
 * pnpm include it in the tarball whatever `files` says. Generated, not committed (one text,
 * in the root); turbo caches it with `dist`.
 */
async function copyLicense(): Promise<void> {
  const manifest = JSON.parse(await readFile('package.json', 'utf8')) as { private?: boolean };
  if (manifest.private) return;
  let root = process.cwd();
  while (!existsSync(join(root, 'pnpm-workspace.yaml'))) {
    const parent = dirname(root);
    if (parent === root)
      throw new Error('tsup.shared.ts: no pnpm-workspace.yaml above the package');
    root = parent;
  }
  await copyFile(join(root, 'LICENSE'), 'LICENSE');
}
