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
    ...overrides,
  });
}
