/**
 * Option handling shared by every Switchboard constructor: merge the defaults once, check
 * each value, and throw a `TypeError` that names the owner and the option, so that a typo
 * or a bad value fails at construction rather than doing nothing.
 */

/** setTimeout clamps longer delays to 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The options without keys whose value is `undefined`, so they cannot erase a default. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(options) as (keyof T)[]) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}

/** `{ ...defaults, ...options }` where an `undefined` option keeps its default. */
export function withDefaults<D extends object, O extends object>(
  defaults: D,
  options: O,
): Omit<O, keyof D> & D {
  return { ...defaults, ...definedOnly(options) } as Omit<O, keyof D> & D;
}

export interface NumberBounds {
  /** Smallest allowed value. @default 0 */
  min?: number;
  /** Largest allowed value. @default Number.MAX_SAFE_INTEGER */
  max?: number;
  /** Whether `Infinity` is allowed (e.g. "no limit"). @default false */
  infinity?: boolean;
}

function describeBounds(what: string, bounds: NumberBounds): string {
  const { min = 0, max, infinity = false } = bounds;
  const range = max === undefined ? `>= ${min}` : `from ${min} to ${max}`;
  return `must be ${what} ${range}${infinity ? ' or Infinity' : ''}`;
}

function fail(owner: string, key: string, problem: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new TypeError(`${owner} option "${key}" ${problem}, got ${shown}`);
}

/** Throws unless `value` is undefined or an integer within the bounds. */
export function checkInteger(
  owner: string,
  key: string,
  value: unknown,
  bounds: NumberBounds = {},
): void {
  checkBounded(owner, key, value, bounds, 'an integer', Number.MAX_SAFE_INTEGER, Number.isInteger);
}

/** Throws unless `value` is undefined or a finite number (or Infinity) within the bounds. */
export function checkNumber(
  owner: string,
  key: string,
  value: unknown,
  bounds: NumberBounds = {},
): void {
  checkBounded(owner, key, value, bounds, 'a number', Number.MAX_VALUE, Number.isFinite);
}

/** The shared rule of checkInteger and checkNumber: `kind` is what `isKind` accepts. */
function checkBounded(
  owner: string,
  key: string,
  value: unknown,
  bounds: NumberBounds,
  kind: string,
  defaultMax: number,
  isKind: (n: number) => boolean,
): void {
  if (value === undefined) return;
  const { min = 0, max = defaultMax, infinity = false } = bounds;
  const ok =
    typeof value === 'number' &&
    ((isKind(value) && value >= min && value <= max) ||
      (infinity && value === Number.POSITIVE_INFINITY));
  if (!ok) fail(owner, key, describeBounds(kind, bounds), value);
}

/** Throws unless `value` is undefined or a delay setTimeout can honour (ms). */
export function checkDuration(
  owner: string,
  key: string,
  value: unknown,
  bounds: NumberBounds = {},
): void {
  checkNumber(owner, key, value, { min: 1, max: MAX_TIMER_MS, ...bounds });
}

/** Throws unless `value` is undefined or one of `allowed`. */
export function checkOneOf<T>(
  owner: string,
  key: string,
  value: unknown,
  allowed: readonly T[],
): void {
  if (value === undefined || allowed.includes(value as T)) return;
  fail(owner, key, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
}

/** Throws unless `value` is undefined or of the `typeof` kind given. */
export function checkType(
  owner: string,
  key: string,
  value: unknown,
  kind: 'boolean' | 'string' | 'function' | 'object',
): void {
  if (value === undefined) return;
  if (typeof value === kind && value !== null) return;
  fail(owner, key, `must be ${kind === 'object' ? 'an object' : `a ${kind}`}`, value);
}

/**
 * Reads an option that has a documented older name (`authTimeout` for `authTimeoutMs`):
 * the value under either name, a TypeError when both are set to different values.
 */
export function aliased<T>(
  owner: string,
  options: object,
  name: string,
  alias: string,
): T | undefined {
  const record = options as Record<string, unknown>;
  const value = record[name];
  const old = record[alias];
  if (value !== undefined && old !== undefined && value !== old) {
    throw new TypeError(
      `${owner} options "${name}" and "${alias}" conflict: "${alias}" is the older name of "${name}"; pass one of them`,
    );
  }
  return (value ?? old) as T | undefined;
}

/**
 * Throws a TypeError naming every key of `options` that is not in `known`: a misspelt or
 * unsupported option must not be silently ignored.
 */
export function checkKnownOptions(owner: string, options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const names = unknown.map((key) => `"${key}"`).join(', ');
  throw new TypeError(
    `${owner}: unknown option${unknown.length > 1 ? 's' : ''} ${names}; supported: ${known.join(', ')}`,
  );
}
