import type { BenchContext } from '../context.ts';
import { Child } from '../process/child.ts';
import type { Scenario } from '../registry.ts';
import { integer, mb } from '../report/format.ts';
import type { ScenarioReport, Table } from '../report/model.ts';
import type { RouterCommands } from '../router/commands.ts';

export const routerScenario: Scenario = {
  id: 'router',
  title: 'Router matching',
  description:
    'SubscriptionIndex lookups (topic to matching subscribers) with 1k and 1M subscriptions, in a separate process on the server core.',
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const { router } = ctx.config;
    ctx.progress(`router: ${router.sizes.map((s) => s.toLocaleString()).join(', ')} subscriptions`);
    const worker = Child.spawn<RouterCommands>({
      name: 'router worker',
      entry: 'router/worker-main.ts',
      config: {},
      role: 'server',
      exposeGc: true,
      nodeFlags: ['--max-old-space-size=4096'],
    });
    try {
      await worker.ready(60_000);
      const runs = await worker.call('run', router, 300_000);
      const table: Table = {
        title: 'Router: SubscriptionIndex lookups',
        columns: [
          'subscriptions',
          'build',
          'heap',
          'matched / lookup',
          'lookups/s (forEachMatch)',
          'lookups/s (match, Set)',
          'matched subscribers/s',
        ],
        rows: runs.map((run) => [
          integer(run.subscriptions),
          `${integer(run.buildMs)} ms`,
          mb(run.heapBytes),
          run.matchedPerLookup.toFixed(2),
          integer(run.forEachMatchPerSec),
          integer(run.matchPerSec),
          integer(run.forEachMatchPerSec * run.matchedPerLookup),
        ]),
        notes: [
          `${integer(router.lookups)} lookups per column over 16k topics spread across the whole index; three broad wildcards (agent.*.status, #.error, bench.#) are among the subscriptions.`,
        ],
      };
      for (const run of runs) {
        ctx.progress(
          `router: ${integer(run.subscriptions)} subscriptions, ${integer(run.forEachMatchPerSec)} lookups/s`,
        );
      }
      return { tables: [table], checks: [], data: { runs, config: router } };
    } finally {
      await worker.kill();
    }
  },
};
