/**
 * `pnpm build` (after tsup): bundles the admin page's script into dist/admin.js, next to
 * dist/main.js, where `serve --admin` reads it.
 */
import { build } from 'esbuild';
import { adminBuildOptions } from '../src/admin/page-bundle.ts';

await build({ ...adminBuildOptions(false), outfile: 'dist/admin.js' });
