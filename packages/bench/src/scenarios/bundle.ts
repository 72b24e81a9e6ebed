import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchContext } from '../context.ts';
import type { Scenario } from '../registry.ts';
import { integer } from '../report/format.ts';
import type { ScenarioReport } from '../report/model.ts';

/** The browser client's size goal, gzipped: 20 KB (the client's browser.test.ts holds it too). */
const GOAL_BYTES = 20_000;

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{
    outputFiles: { contents: Uint8Array }[];
    metafile: { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  }>;
}

// esbuild comes with tsup (a dev dependency of the workspace); no dependency of its own.
const fromHere = createRequire(import.meta.url);
const esbuild = createRequire(fromHere.resolve('tsup'))('esbuild') as Esbuild;

/** Minified bytes of the bundle that come from each group of inputs. */
function byGroup(inputs: Record<string, { bytesInOutput: number }>): Map<string, number> {
  const groups = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const group = /node_modules\/zod\//.test(path)
      ? 'zod'
      : /protocol\/src\//.test(path)
        ? '@switchboard/protocol'
        : /client\/src\//.test(path)
          ? '@switchboard/client'
          : 'other';
    groups.set(group, (groups.get(group) ?? 0) + bytesInOutput);
  }
  return groups;
}

export const bundleScenario: Scenario = {
  id: 'bundle',
  title: 'Browser client size',
  description:
    'The `browser` export of @switchboard/client bundled for the browser with esbuild (minified, everything it imports included), then gzipped.',
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    ctx.progress('bundle: building the browser entry of @switchboard/client');
    const result = await esbuild.build({
      stdin: {
        contents: "export * from '@switchboard/client';",
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      // What a bundler picks: the browser export, from source in the workspace.
      conditions: ['browser', 'source'],
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const contents = result.outputFiles[0]!.contents;
    const gzipped = gzipSync(contents, { level: 9 }).length;
    const groups = byGroup(Object.values(result.metafile.outputs)[0]!.inputs);
    ctx.progress(`bundle: ${integer(contents.length)} bytes minified, ${integer(gzipped)} gzipped`);
    return {
      tables: [
        {
          title: 'Browser client bundle (esbuild, minified, gzip -9)',
          columns: ['minified', 'gzipped', 'client', 'protocol', 'zod', 'other'],
          rows: [
            [
              integer(contents.length),
              integer(gzipped),
              ...['@switchboard/client', '@switchboard/protocol', 'zod', 'other'].map((g) =>
                integer(groups.get(g) ?? 0),
              ),
            ],
          ],
          notes: [
            'client, protocol, zod, other: minified bytes of each part, before gzip. The client validates frames with @switchboard/protocol/wire, validators generated from the zod schemas, so zod should be 0.',
          ],
        },
      ],
      checks: [
        {
          name: 'Browser client, minified + gzipped',
          requirement: `<= ${integer(GOAL_BYTES)} bytes`,
          actual: `${integer(gzipped)} bytes`,
          pass: gzipped <= GOAL_BYTES,
        },
      ],
      data: { minified: contents.length, gzipped, groups: Object.fromEntries(groups) },
    };
  },
};
