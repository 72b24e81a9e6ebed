import { InvalidArgumentError } from 'commander';

/** A commander argument parser for integers, with the bounds in the message. */
export function integer(
  what = 'an integer',
  bounds: { min?: number; max?: number } = {},
): (value: string) => number {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
  return (value) => {
    const parsed = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected ${what}, got "${value}"`);
    }
    return parsed;
  };
}

export const positiveInteger = integer('a positive integer', { min: 1 });
export const nonNegativeInteger = integer('an integer >= 0', { min: 0 });

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses a duration in milliseconds: `1500`, `1500ms`, `5s`, `2m`, `1h`. */
export function parseDurationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new InvalidArgumentError(
      `expected a duration such as 500, 500ms, 5s, 2m or 1h, got "${value}"`,
    );
  }
  return ms;
}

/** `--since <offset|last>`. */
export function parseSince(value: string): number | 'last' {
  if (value === 'last') return 'last';
  return integer('an offset (an integer >= 0) or "last"', { min: 0 })(value);
}

/** For options that may be repeated or comma separated: `--subscribe a.# --subscribe b.*,c`. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return [...(previous ?? []), ...items];
}
