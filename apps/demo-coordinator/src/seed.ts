/**
 * The simulation's seed: printed at start so that a run can be replayed, and taken from
 * `--seed <n>`, `SWITCHBOARD_DEMO_SEED` or (the older name) `SEED`, in that order.
 */
export const SEED_ENV = 'SWITCHBOARD_DEMO_SEED';
const MAX_SEED = 2 ** 32 - 1;

/** A fresh seed for a run nobody asked to reproduce. */
export function randomSeed(): number {
  return Math.floor(Math.random() * (MAX_SEED + 1));
}

/** The seed asked for, or undefined; a value that is not an integer in [0, 2^32) throws. */
export function requestedSeed(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): number | undefined {
  const flag = argv.findIndex((arg) => arg === '--seed' || arg.startsWith('--seed='));
  const fromFlag =
    flag < 0 ? undefined : argv[flag]!.includes('=') ? argv[flag]!.split('=')[1] : argv[flag + 1];
  if (flag >= 0 && (fromFlag === undefined || fromFlag === '')) {
    throw new RangeError('--seed needs a value, e.g. --seed 42');
  }
  const [name, raw] =
    fromFlag !== undefined
      ? ['--seed', fromFlag]
      : env[SEED_ENV]
        ? [SEED_ENV, env[SEED_ENV]]
        : ['SEED', env.SEED];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > MAX_SEED) {
    throw new RangeError(`${name}=${raw}: the seed must be an integer from 0 to ${MAX_SEED}`);
  }
  return value;
}
