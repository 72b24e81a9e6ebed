import { packageConfig } from '../../tsup.shared.ts';

export default packageConfig({
  entry: ['src/main.ts'],
  // An app, not a library: no declarations.
  dts: false,
  // Loaded at run time to bundle the dashboard; it ships a native binary and cannot be inlined.
  external: ['esbuild'],
  // Private and shipped as TypeScript: the page's CSS comes from it, so it is bundled in.
  noExternal: ['@switchboard/dashboard-ui'],
});
