import { packageConfig } from '../../tsup.shared.ts';

// A bin, not a library: one entry, no declarations. The shebang at the top of
// src/main.ts is kept by esbuild.
export default packageConfig({ entry: ['src/main.ts'], dts: false });
