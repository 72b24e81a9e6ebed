import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles an entry for the browser and returns the files it pulled in that are not
 * allowed, plus any `ws` or `node:` import. Both lists are empty for a browser-safe entry.
 */
export async function browserBundleProblems(
  entry: URL,
  allowed: readonly RegExp[],
): Promise<{ foreign: string[]; nodeImports: string[]; inputs: string[] }> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const foreign = inputs.filter((path) => !allowed.some((pattern) => pattern.test(path)));
  const nodeImports = Object.values(result.metafile.inputs)
    .flatMap((input) => input.imports)
    .map((i) => i.path)
    .filter((path) => path.startsWith('node:') || path === 'ws');
  return { foreign, nodeImports, inputs };
}
