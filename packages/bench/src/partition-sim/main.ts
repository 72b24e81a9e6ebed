/**
 * `pnpm --filter @switchboard/bench partition-sim`: the partitioned log of docs/scaling.md as
 * a seeded model. Prints, per partition count, the model's throughput bound and what the
 * checks found (duplicates, order violations, silent gaps must all be 0).
 */
import { integer } from '../report/format.ts';
import { textTable } from '../report/render.ts';
import { type SimConfig, simulate } from './sim.ts';

const seed = Number(process.env.SEED ?? 1);
const base: Omit<SimConfig, 'partitions'> = {
  topics: 200,
  publishes: 50_000,
  subscribers: 40,
  skew: 1,
  churn: 0.002,
  loseAt: 0.6,
  partitionCapacity: 50_000,
  seed,
};
const rows = [1, 2, 4, 8].map((partitions) => {
  const r = simulate({ ...base, partitions });
  return [
    partitions,
    `${(r.maxShare * 100).toFixed(1)}%`,
    integer(r.modelRate),
    r.readsPerResume.toFixed(2),
    r.duplicates,
    r.orderViolations,
    r.silentGaps,
    `${r.resynced} (${r.couldBeAffected})`,
  ];
});
process.stdout.write(
  `${textTable({
    title: `Partitioned log model, seed ${seed}: ${integer(base.publishes)} publishes over ${base.topics} topics (Zipf ${base.skew}), ${base.subscribers} subscribers with churn, partition 0 lost at ${base.loseAt! * 100}%`,
    columns: [
      'partitions',
      'busiest partition',
      `appends/s bound (${integer(base.partitionCapacity)}/s per partition)`,
      'partitions read per resume',
      'duplicates',
      'order violations',
      'silent gaps',
      'told to resync (could match a lost topic)',
    ],
    rows,
    notes: [
      'The bound is the model: per-partition capacity over the busiest partition share. A hot topic caps it whatever the partition count.',
    ],
  })}\n`,
);
