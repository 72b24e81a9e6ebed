import type { ClientFrame } from '@switchboard/protocol';
import type { Rng } from './rng.ts';
import { FRAME_TYPES, TOPICS } from './valid-frames.ts';

/** One WebSocket message to send: text, or bytes sent as a binary message. */
export type Payload = { text: string } | { bytes: Buffer };

/** Values of every JSON type and some that JSON cannot hold exactly. */
const ODD_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53 + 1,
  Number.MAX_VALUE,
  '',
  ' ',
  '\u0000',
  '\ud800',
  '😀',
  '\u202e\u200b',
  [],
  [[[[]]]],
  {},
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { constructor: { prototype: { polluted: true } } },
  'x'.repeat(300),
];

/** Ids that stress the id rules: too long, emoji (code points, not units), control characters. */
function oddId(rng: Rng, unique: string): unknown {
  switch (rng.int(9)) {
    case 0:
      return '';
    case 1:
      return `${unique}${'😀'.repeat(128 - unique.length)}`;
    case 2:
      return `${unique}${'😀'.repeat(129 - unique.length)}`;
    case 3:
      return `${'i'.repeat(129)}${unique}`;
    case 4:
      return `\u0000${unique}`;
    case 5:
      return rng.int(1_000_000);
    case 6:
      return [unique];
    case 7:
      return `\ud83d${unique}`;
    default:
      return `é${unique}\u200b`;
  }
}

/** Patterns and topics the topic rules refuse, or that are costly to decide for an ACL. */
const BAD_TOPICS: readonly string[] = [
  '',
  '.',
  'a..b',
  '.a',
  'a.',
  'a*',
  '##',
  'a.#b',
  'a b',
  'a\tb',
  'a\u0000b',
  'a\u00a0b',
  '\ufeffa',
  'x'.repeat(256),
  'é'.repeat(128),
  Array.from({ length: 33 }, () => 'a').join('.'),
  Array.from({ length: 32 }, (_, i) => (i % 2 ? '#' : '*')).join('.'),
  Array.from({ length: 20 }, () => '#').join('.'),
  `agent.7.${Array.from({ length: 14 }, (_, i) => (i % 2 ? '#' : '*')).join('.')}`,
  '#.y.*.*.*.*.#.*.*.*.y.#',
  'agent.*',
  'agent.#',
  '*.7.#',
];

function deepValue(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? { d: value } : [value];
  return value;
}

function mutateObject(frame: ClientFrame, rng: Rng, unique: string): Record<string, unknown> {
  const record: Record<string, unknown> = { ...frame };
  const keys = Object.keys(record);
  switch (rng.int(12)) {
    case 0: {
      delete record[rng.pick(keys)];
      break;
    }
    case 1:
      record[rng.pick(keys)] = rng.pick(ODD_VALUES);
      break;
    case 2:
      record.id = oddId(rng, unique);
      break;
    case 3:
      record.type = rng.chance(0.5)
        ? rng.pick(FRAME_TYPES)
        : rng.pick(['event', 'ack', 'HELLO', 'x'.repeat(100), '']);
      break;
    case 4:
      if ('topic' in record) record.topic = rng.pick(BAD_TOPICS);
      else if ('topics' in record)
        record.topics = [rng.pick(BAD_TOPICS), ...(rng.chance(0.3) ? ['a'] : [])];
      else record.method = rng.pick(BAD_TOPICS);
      break;
    case 5:
      record.topics = Array.from({ length: rng.chance(0.5) ? 101 : 100 }, (_, i) => `t.${i}.#`);
      break;
    case 6:
      record.data = deepValue(rng.chance(0.5) ? 63 : 65 + rng.int(2_000));
      break;
    case 7:
      record.position = rng.pick([
        { epoch: 'nope', offset: 0 },
        { epoch: '', offset: 1 },
        { epoch: 'e'.repeat(65), offset: 1 },
        { epoch: 'x', offset: -1 },
        { epoch: 'x', offset: 2 ** 53 },
        { epoch: 'x', offset: 1.5 },
      ]);
      record.since = rng.pick([0, -1, 'first', 2 ** 60, Number.MAX_VALUE, null]);
      break;
    case 8:
      record.token = rng.pick(['', 'x'.repeat(8193), 'admin\u0000', 'Bearer admin', 'agent7 ']);
      break;
    case 9:
      record.credit = rng.pick([0, -1, 65_537, 1.5, '8']);
      record.timeoutMs = rng.pick([0, -1, 2 ** 31, 'soon']);
      break;
    case 10:
      record.topic = rng.pick(TOPICS);
      record.data = 'x'.repeat(rng.chance(0.9) ? 4_096 : rng.chance(0.9) ? 100_000 : 300_000);
      break;
    default:
      record[rng.pick(['__proto__', 'constructor', 'extra', 'hasOwnProperty'])] =
        rng.pick(ODD_VALUES);
  }
  return record;
}

function mutateText(text: string, rng: Rng): Payload {
  switch (rng.int(10)) {
    case 0:
      return { text: text.slice(0, rng.int(text.length)) };
    case 1:
      return { text: `\ufeff${text}` };
    case 2:
      return { text: `\ufeff\ufeff${text}` };
    case 3:
      return { text: ` \ufeff${text}` };
    case 4: {
      const at = rng.int(text.length);
      return {
        text:
          text.slice(0, at) +
          rng.pick(['"', '}', ',', '\\', '\u0000', 'NaN', ':1e400']) +
          text.slice(at),
      };
    }
    case 5:
      return { text: text.replace('{', '{"type":"publish","type":') };
    case 6:
      return { text: rng.pick(['', 'null', '[]', '"hello"', '42', '{}', '{"type":null}', 'true']) };
    case 7:
      return { text: text.replace('}', ',"__proto__":{"type":"auth"}}') };
    case 8:
      return { bytes: Buffer.from(text) };
    default: {
      const bytes = Buffer.from(text);
      bytes[rng.int(bytes.length)] = rng.pick([0xff, 0xc0, 0x80, 0xed, 0xfe]);
      return { bytes };
    }
  }
}

/** A random byte string, sent as a binary or a (lossily decoded) text message. */
function noise(rng: Rng): Payload {
  const bytes = Buffer.alloc(1 + rng.int(64));
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
  return rng.chance(0.5) ? { bytes } : { text: bytes.toString('latin1') };
}

/**
 * A mutated frame: most often a valid one with one field broken (wrong type, odd id, bad
 * pattern, deep or large data, abusive replay positions), or its JSON text broken (truncated,
 * BOMs, invalid UTF-8 in a binary message), sometimes noise; a share stays valid.
 */
export function mutate(frame: ClientFrame, rng: Rng, unique: string, validShare: number): Payload {
  const roll = rng.next();
  if (roll < validShare)
    return rng.chance(0.1)
      ? { bytes: Buffer.from(JSON.stringify(frame)) }
      : { text: JSON.stringify(frame) };
  if (roll < validShare + (1 - validShare) * 0.6) {
    return { text: JSON.stringify(mutateObject(frame, rng, unique)) ?? 'null' };
  }
  if (roll < validShare + (1 - validShare) * 0.95) return mutateText(JSON.stringify(frame), rng);
  return noise(rng);
}
