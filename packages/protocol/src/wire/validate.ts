import type { FrameIssue } from '../parse-core.ts';
import { checkPattern, checkTopic } from '../topic.ts';

/**
 * The building blocks of the validators that scripts/wire-codegen.ts generates from the zod
 * schemas (validators.generated.ts): each accepts what its zod counterpart accepts and returns
 * what zod's parse returns (unknown keys stripped, fields in the schema's order). A validator
 * stops at the first problem, throwing it as an Issue; zod would go on and count the rest.
 */

/** Validates `value` found at `path`; returns the parsed value or throws an Issue. */
export type Validator = (value: unknown, path: PropertyKey[]) => unknown;
/** A field of an object: its validator, or the validator in a one-element array when optional. */
export type Field = Validator | [Validator];

export class Issue implements FrameIssue {
  constructor(
    readonly path: PropertyKey[],
    readonly message: string,
    readonly params?: { code: string },
  ) {}
}

function fail(path: PropertyKey[], message: string, code?: string): never {
  throw new Issue([...path], message, code === undefined ? undefined : { code });
}

function expect(ok: boolean, path: PropertyKey[], what: string): void {
  if (!ok) fail(path, `expected ${what}`);
}

/** At least `min` and at most `max` long, strings counted in code points as zod does. */
function lengthWithin(value: string | unknown[], min: number, max: number, path: PropertyKey[]) {
  let length = value.length;
  if (typeof value === 'string' && (length > max || length < 2 * min)) length = [...value].length;
  if (length < min) fail(path, `expected a length of at least ${min}`);
  if (length > max) fail(path, `expected a length of at most ${max}`);
}

/** The refinements of the Topic, Pattern and ServedMethod schemas (stream-fields.ts, frame-fields.ts). */
const REFINEMENTS: Record<string, (value: string, path: PropertyKey[]) => void> = {
  topic(value, path) {
    const check = checkTopic(value);
    if (!check.ok) fail(path, check.reason, 'INVALID_TOPIC');
  },
  pattern(value, path) {
    const check = checkPattern(value);
    if (!check.ok) fail(path, check.reason, 'INVALID_PATTERN');
  },
  method(value, path) {
    if (value.startsWith('$')) fail(path, 'method names starting with "$" are reserved');
    const check = checkTopic(value);
    if (!check.ok) fail(path, check.reason);
  },
};

export const string =
  (min = 0, max = Infinity, refinement?: string): Validator =>
  (value, path) => {
    expect(typeof value === 'string', path, 'string');
    lengthWithin(value as string, min, max, path);
    if (refinement !== undefined) REFINEMENTS[refinement]!(value as string, path);
    return value;
  };

/** A safe integer (zod's `z.int()`), within `min` and `max`. */
export const int =
  (min = -Infinity, max = Infinity): Validator =>
  (value, path) => {
    expect(Number.isSafeInteger(value), path, 'integer');
    if ((value as number) < min) fail(path, `expected a number >= ${min}`);
    if ((value as number) > max) fail(path, `expected a number <= ${max}`);
    return value;
  };

export const number: Validator = (value, path) => {
  expect(Number.isFinite(value), path, 'number');
  return value;
};

export const boolean: Validator = (value, path) => {
  expect(typeof value === 'boolean', path, 'boolean');
  return value;
};

export const unknown: Validator = (value) => value;

export const oneOf =
  (values: readonly unknown[]): Validator =>
  (value, path) => {
    expect(
      values.includes(value),
      path,
      `one of ${values.map((v) => JSON.stringify(v)).join('|')}`,
    );
    return value;
  };

export const nullable =
  (inner: Validator): Validator =>
  (value, path) =>
    value === null ? null : inner(value, path);

export const array =
  (element: Validator, min = 0, max = Infinity): Validator =>
  (value, path) => {
    expect(Array.isArray(value), path, 'array');
    // Length first, as zod checks it before the elements.
    lengthWithin(value as unknown[], min, max, path);
    return (value as unknown[]).map((item, i) => {
      path.push(i);
      const parsed = element(item, path);
      path.pop();
      return parsed;
    });
  };

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const object =
  (shape: Record<string, Field>): Validator =>
  (value, path) => {
    expect(isObject(value), path, 'object');
    const record = value as Record<string, unknown>;
    const parsed: Record<string, unknown> = {};
    for (const key in shape) {
      const field = shape[key]!;
      const present = key in record;
      path.push(key);
      if (Array.isArray(field)) {
        if (present)
          parsed[key] = record[key] === undefined ? undefined : field[0](record[key], path);
      } else {
        const result = field(record[key], path);
        if (!present) fail(path, 'required');
        parsed[key] = result;
      }
      path.pop();
    }
    return parsed;
  };

/** zod's `isPlainObject`, which `z.record` requires. */
function isPlainObject(value: unknown): boolean {
  if (!isObject(value)) return false;
  const ctor = value.constructor;
  if (typeof ctor !== 'function') return true;
  const prototype = ctor.prototype;
  return isObject(prototype) && Object.hasOwn(prototype, 'isPrototypeOf');
}

/** `z.record(z.string(), z.unknown())`. */
export const record: Validator = (value, path) => {
  expect(isPlainObject(value), path, 'record');
  const source = value as Record<PropertyKey, unknown>;
  const parsed: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(source)) {
    if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(source, key)) continue;
    if (typeof key !== 'string') fail([...path, key], 'expected a string key');
    parsed[key] = source[key];
  }
  return parsed;
};

/** The first option that accepts the value; `message` when none does. */
export const union =
  (options: Validator[], message: string): Validator =>
  (value, path) => {
    const depth = path.length;
    for (const option of options) {
      try {
        return option(value, path);
      } catch (error) {
        if (!(error instanceof Issue)) throw error;
        path.length = depth;
      }
    }
    return fail(path, message);
  };
