/**
 * What the memory engine counts for an entry against `historyBytes` and `retainedBytes`: an
 * estimate of the heap the entry keeps alive, taken by walking `data` once (no
 * serialization, no allocation beyond the walk's stack). The constants follow V8 on 64-bit
 * (8-byte slots, no pointer compression, as Node ships):
 *
 * - every value takes an 8-byte slot in its parent, plus
 * - a string 16 bytes and one per UTF-16 code unit (V8 stores Latin-1 text one byte per
 *   character: a 1 MiB string counts 1 MiB; text outside Latin-1 takes two, counted once);
 * - a number 8 (a boxed double); `true`, `false`, `null` nothing more;
 * - an array 32 bytes; an object 56, and per own enumerable property 16 and its key;
 * - a typed array or Buffer 64 bytes and its `byteLength`.
 *
 * Measured against `process.memoryUsage()` for what `JSON.parse` builds from a client's
 * frame, the estimate is within about a factor of two of the real heap either way (see the
 * router README, "Byte bounds"), where counting the JSON length would undercount a payload
 * of empty objects twentyfold. It is an estimate, not a measure: shared strings and shapes
 * are counted once per use, which only overcounts.
 */

const SLOT = 8;
const STRING = 16;
const NUMBER = 8;
const ARRAY = 32;
const OBJECT = 56;
const PROPERTY = 16;
const VIEW = 64;

/**
 * Heap held by a log entry besides its data and the characters of its strings: the entry
 * object (eight fields, ~88 bytes), its four history slots, its dedupe record (~50) and the
 * headers of its id, topic and key. Measured: ~180 bytes for an entry with a short id.
 */
const ENTRY = 200;

export interface EntryParts {
  readonly id: string;
  readonly topic: string;
  readonly data: unknown;
  readonly publisherId?: string | undefined;
}

/** The estimated bytes of an entry (see the module comment), at least `cap` once over it. */
export function entrySize(entry: EntryParts, key: string, cap: number): number {
  const strings = entry.id.length + entry.topic.length + (entry.publisherId?.length ?? 0);
  const ownKey = key === entry.id ? 0 : key.length;
  const fixed = ENTRY + strings + ownKey;
  return fixed + valueSize(entry.data, cap - fixed);
}

/**
 * The estimated bytes of a JSON-like value. The walk is iterative (depth costs no stack),
 * keeps only containers on its stack, and stops once the count passes `cap`: a value that
 * references itself, or a shared subtree repeated exponentially often, costs at most about
 * `cap / 8` steps and counts as more than `cap`.
 */
export function valueSize(value: unknown, cap = Number.POSITIVE_INFINITY): number {
  let bytes = scalarSize(value);
  const stack: object[] = [];
  if (isContainer(value)) stack.push(value);
  while (stack.length > 0 && bytes <= cap) {
    const container = stack.pop()!;
    if (Array.isArray(container)) {
      bytes += ARRAY;
      for (let i = 0; i < container.length; i++) {
        const item: unknown = container[i];
        bytes += scalarSize(item);
        if (isContainer(item)) stack.push(item);
      }
    } else if (ArrayBuffer.isView(container) || container instanceof ArrayBuffer) {
      bytes += VIEW + container.byteLength;
    } else {
      bytes += OBJECT;
      for (const key of Object.keys(container)) {
        const item: unknown = (container as Record<string, unknown>)[key];
        bytes += PROPERTY + key.length + scalarSize(item);
        if (isContainer(item)) stack.push(item);
      }
    }
  }
  return bytes;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** A value's slot, and for a string or number what it points to (containers come later). */
function scalarSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return SLOT + STRING + value.length;
    case 'number':
    case 'bigint':
      return SLOT + NUMBER;
    default:
      // Containers, booleans, null, undefined, symbols and functions: the slot.
      return SLOT;
  }
}
