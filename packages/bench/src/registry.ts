import type { BenchContext } from './context.ts';
import type { ScenarioReport } from './report/model.ts';
import { fanOutScenario } from './scenarios/fanout.ts';
import { floodScenario } from './scenarios/flood.ts';
import { latencyScenario } from './scenarios/latency.ts';
import { manyPublishersScenario } from './scenarios/many-publishers.ts';
import { memoryScenario } from './scenarios/memory.ts';
import { replayScenario } from './scenarios/replay.ts';
import { routerScenario } from './scenarios/router.ts';
import { slowConsumersScenario } from './scenarios/slow-consumers.ts';

/**
 * A benchmark scenario. To add one (replay, slow consumers, ...): write a module under
 * `scenarios/` exporting a `Scenario`, reuse `Topology` (server on the server core, subscriber
 * and publisher processes on the load core) or the measure* helpers of existing scenarios,
 * and append it to SCENARIOS. Its tables and checks show up in the terminal, latest.json,
 * latest.md and the docs without further wiring; `--only <id>` runs it alone.
 */
export interface Scenario {
  /** Used by `--only`, and as the key in latest.json. */
  id: string;
  title: string;
  /** One sentence for the report. */
  description: string;
  run(ctx: BenchContext): Promise<ScenarioReport>;
}

/** Run in this order; later scenarios may `recall` facts earlier ones `remember`. */
export const SCENARIOS: readonly Scenario[] = [
  fanOutScenario,
  latencyScenario,
  memoryScenario,
  routerScenario,
  replayScenario,
  slowConsumersScenario,
  floodScenario,
  manyPublishersScenario,
];
