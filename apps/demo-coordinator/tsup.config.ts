import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Loaded at run time to bundle the dashboard; it ships a native binary and cannot be inlined.
  external: ['esbuild'],
});
