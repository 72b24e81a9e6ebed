// Over 400 lines on purpose: one table of frames per frame type, accepted and refused, with the
// stable code each refusal carries. Split by frame it would scatter the shared fixtures and the
// one place a reader checks what the parser accepts.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isErrorCode, SwitchboardError } from './errors.ts';
import {
  ClientFrame,
  type ClientFrame as ClientFrameT,
  EventFrame,
  MAX_ID_LENGTH,
  MAX_TOPICS_PER_FRAME,
  ServerFrame,
  type ServerFrame as ServerFrameT,
} from './frames.ts';
import {
  encodeFrame,
  errorFrame,
  errorFromFrame,
  MAX_FRAME_DEPTH,
  type ParseResult,
  parseClientFrame,
  parseServerFrame,
  withinIdLength,
} from './parse.ts';
import { CLIENT_FRAMES, SERVER_FRAMES } from './test-frames.ts';

// ---- helpers ----------------------------------------------------------------------------------

type Parser = (input: unknown) => ParseResult<{ type: string }>;

/** Whatever came in, the result is one of the two documented shapes. */
function expectWellFormed(
  result: ParseResult<{ type: string }>,
  union: typeof ClientFrame | typeof ServerFrame,
): void {
  expect(typeof result.ok).toBe('boolean');
  if (result.ok) {
    expect(union.safeParse(result.frame).success).toBe(true);
    return;
  }
  expect(result.error).toBeInstanceOf(SwitchboardError);
  expect(isErrorCode(result.error.code)).toBe(true);
  expect(typeof result.error.message).toBe('string');
  expect(result.error.message.length).toBeGreaterThan(0);
  if (result.id !== undefined) {
    expect(typeof result.id).toBe('string');
    expect(result.id.length).toBeGreaterThan(0);
    // Counted in code points, as the schema counts it.
    expect(withinIdLength(result.id)).toBe(true);
  }
}

function expectError(
  result: ParseResult<unknown>,
  expected: { code?: ErrorCode; field?: string; id?: string; message?: RegExp },
): SwitchboardError {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error.code).toBe(expected.code ?? ErrorCode.INVALID_MESSAGE);
  if ('field' in expected) expect(result.error.details?.field).toBe(expected.field);
  if (expected.field !== undefined) expect(result.error.message).toContain(expected.field);
  expect(result.id).toBe(expected.id);
  if (expected.message) expect(result.error.message).toMatch(expected.message);
  return result.error;
}

const publish = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'publish', id: 'm1', topic: 'a.b', data: 1, ...fields });

// ---- input kinds ------------------------------------------------------------------------------

describe('input kinds', () => {
  const text = publish();

  it('accepts a string', () => {
    expect(parseClientFrame(text)).toEqual({
      ok: true,
      frame: { type: 'publish', id: 'm1', topic: 'a.b', data: 1 },
    });
  });

  it('accepts a Buffer, including a slice of a pooled Buffer', () => {
    expect(parseClientFrame(Buffer.from(text)).ok).toBe(true);
    const pooled = Buffer.from(`garbage${text}garbage`).subarray(7, 7 + Buffer.byteLength(text));
    expect(pooled.byteOffset).toBeGreaterThan(0);
    expect(parseClientFrame(pooled).ok).toBe(true);
  });

  it('accepts an ArrayBuffer, a DataView and other typed arrays', () => {
    const bytes = new TextEncoder().encode(text);
    expect(parseClientFrame(bytes.buffer).ok).toBe(true);
    expect(parseClientFrame(new DataView(bytes.buffer)).ok).toBe(true);
    expect(parseClientFrame(bytes).ok).toBe(true);
  });

  it('accepts an ArrayBuffer from another realm', () => {
    const foreign = runInNewContext(
      'const b = new ArrayBuffer(s.length); const v = new Uint8Array(b); for (let i = 0; i < s.length; i++) v[i] = s.charCodeAt(i); b',
      { s: text },
    ) as ArrayBuffer;
    expect(foreign instanceof ArrayBuffer).toBe(false);
    expect(parseClientFrame(foreign).ok).toBe(true);
  });

  it('joins Buffer[] fragments, even when a character is split between them', () => {
    const bytes = Buffer.from(publish({ topic: 'café.日本', data: '😀' }));
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const result = parseClientFrame([
      bytes.subarray(0, cut),
      bytes.subarray(cut, cut + 3),
      bytes.subarray(cut + 3),
    ]);
    expect(result).toMatchObject({ ok: true, frame: { topic: 'café.日本', data: '😀' } });
    for (let i = 0; i <= bytes.length; i++) {
      expect(parseClientFrame([bytes.subarray(0, i), bytes.subarray(i)]).ok).toBe(true);
    }
  });

  it('ignores a leading byte order mark in text and binary messages alike', () => {
    const expected = { ok: true, frame: { type: 'publish', id: 'm1', topic: 'a.b', data: 1 } };
    expect(parseClientFrame(`\ufeff${text}`)).toEqual(expected);
    expect(parseClientFrame(Buffer.from(`\ufeff${text}`))).toEqual(expected);
    expect(parseClientFrame(new Uint8Array(Buffer.from(`\ufeff${text}`)).buffer)).toEqual(expected);
    expect(parseServerFrame(`\ufeff{"type":"pong"}`)).toEqual({
      ok: true,
      frame: { type: 'pong' },
    });
    // Only one, and only in front: anything else is not JSON, in both kinds.
    for (const bad of [`\ufeff\ufeff${text}`, ` \ufeff${text}`]) {
      expectError(parseClientFrame(bad), { message: /JSON/ });
      expectError(parseClientFrame(Buffer.from(bad)), { message: /JSON/ });
    }
  });

  it('rejects invalid UTF-8 in a Buffer, an ArrayBuffer and fragments', () => {
    const invalid = [
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      Buffer.from([0x22, 0xc0, 0xaf, 0x22]), // overlong "/"
      Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), // UTF-8 encoded lone surrogate
      Buffer.concat([Buffer.from(text.slice(0, -2)), Buffer.from([0xe6, 0x97]), Buffer.from('"}')]), // truncated
    ];
    for (const bytes of invalid) {
      expectError(parseClientFrame(bytes), { message: /UTF-8/ });
      expectError(parseClientFrame(new Uint8Array(bytes).buffer), { message: /UTF-8/ });
      expectError(parseClientFrame([bytes.subarray(0, 1), bytes.subarray(1)]), {
        message: /UTF-8/,
      });
    }
  });

  it('rejects an empty fragment list and empty input', () => {
    expectError(parseClientFrame([]), { message: /JSON/ });
    expectError(parseClientFrame(''), { message: /JSON/ });
    expectError(parseClientFrame(Buffer.alloc(0)), { message: /JSON/ });
  });

  it('rejects text that is not JSON', () => {
    for (const input of [
      '{',
      '{"type":"ping"',
      'undefined',
      "{'type':'ping'}",
      '{"type":"ping"} x',
      'NaN',
      '\u0000',
    ]) {
      expectError(parseClientFrame(input), { message: /not valid JSON/ });
    }
  });

  it('rejects JSON that is not an object', () => {
    for (const input of ['null', '[]', '[{"type":"ping"}]', '42', '1e400', '"ping"', 'true']) {
      expectError(parseClientFrame(input), { message: /JSON object/ });
      expectError(parseServerFrame(input), { message: /JSON object/ });
    }
  });

  it('validates already-decoded values as they are', () => {
    expect(parseClientFrame({ type: 'ping', id: 'p' })).toEqual({
      ok: true,
      frame: { type: 'ping', id: 'p' },
    });
    for (const input of [undefined, null, 42, 10n, Symbol('x'), () => 1, new Map(), [1, 2], true]) {
      const result = parseClientFrame(input);
      expectWellFormed(result, ClientFrame);
      expect(result.ok).toBe(false);
    }
  });

  it('never lets an exception out, even from hostile objects', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        getOwnPropertyDescriptor() {
          throw new Error('boom');
        },
      },
    );
    const getter = Object.defineProperty({ type: 'publish', id: 'm1', topic: 'a' }, 'data', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    for (const input of [proxy, throwing, getter, Object.create(null)]) {
      const result = parseClientFrame(input);
      expectWellFormed(result, ClientFrame);
      expect(result.ok).toBe(false);
    }
  });
});

// ---- frame-level errors -----------------------------------------------------------------------

describe('type and id', () => {
  it('requires a string type', () => {
    expectError(parseClientFrame('{}'), { field: 'type', message: /"type" is required/ });
    expectError(parseClientFrame('{"type":5,"id":"x1"}'), { field: 'type', id: 'x1' });
    expectError(parseClientFrame('{"type":null}'), { field: 'type' });
    expectError(parseClientFrame('{"type":["ping"]}'), { field: 'type' });
  });

  it('rejects an unknown type, listing the known ones and carrying a good id', () => {
    const error = expectError(parseClientFrame('{"type":"welcome","id":"w1"}'), {
      field: 'type',
      id: 'w1',
      message: /Unknown frame type "welcome"/,
    });
    expect(error.message).toContain('publish');
    expectError(parseServerFrame('{"type":"publish","id":"p1","topic":"a","data":1}'), {
      field: 'type',
      id: 'p1',
      message: /Unknown frame type/,
    });
    const long = parseClientFrame(JSON.stringify({ type: 'x'.repeat(10_000) }));
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.error.message.length).toBeLessThan(300);
  });

  it('does not take type or id from the prototype chain', () => {
    expectError(parseClientFrame('{"__proto__":{"type":"ping","id":"p1"}}'), { field: 'type' });
    const inherited = Object.create({ type: 'ping' }) as object;
    expectError(parseClientFrame(inherited), { field: 'type' });
  });

  it('leaves out an id that is itself invalid, and names the field', () => {
    const tooLong = 'i'.repeat(MAX_ID_LENGTH + 1);
    expectError(parseClientFrame(publish({ id: tooLong })), { field: 'id', message: /Too big/ });
    expectError(parseClientFrame(publish({ id: '' })), { field: 'id' });
    expectError(parseClientFrame(publish({ id: 42 })), { field: 'id' });
    expectError(parseClientFrame(publish({ id: 'i'.repeat(1_000_000) })), { field: 'id' });
    // A bad id and a bad topic: still no id to answer with.
    expect(parseClientFrame(publish({ id: tooLong, topic: 'a..b' }))).not.toHaveProperty('id');
  });

  it('carries a good id when another field is bad', () => {
    const longest = 'i'.repeat(MAX_ID_LENGTH);
    expectError(parseClientFrame(publish({ id: longest, topic: '' })), {
      code: ErrorCode.INVALID_TOPIC,
      field: 'topic',
      id: longest,
    });
    expectError(parseClientFrame(publish({ ack: 'yes' })), { field: 'ack', id: 'm1' });
  });

  it('counts an id in code points, as the schema does, also when another field is bad', () => {
    // 100 emoji: 100 code points but 200 UTF-16 units; the schema accepts the id, so the
    // error for another field must carry it as the ack of a valid frame would.
    const emoji = '😀'.repeat(100);
    const valid = parseClientFrame(publish({ id: emoji }));
    expect(valid).toMatchObject({ ok: true, frame: { id: emoji } });
    expectError(parseClientFrame(publish({ id: emoji, topic: 'a..b' })), {
      code: ErrorCode.INVALID_TOPIC,
      id: emoji,
    });
    const longest = '😀'.repeat(MAX_ID_LENGTH);
    expect(parseClientFrame(publish({ id: longest })).ok).toBe(true);
    expect(parseClientFrame(publish({ id: longest, ack: 'yes' }))).toHaveProperty('id', longest);
    const tooLong = '😀'.repeat(MAX_ID_LENGTH + 1);
    expectError(parseClientFrame(publish({ id: tooLong })), { field: 'id' });
    expect(parseClientFrame(publish({ id: tooLong, ack: 'yes' }))).not.toHaveProperty('id');
    expect(withinIdLength(longest)).toBe(true);
    expect(withinIdLength(tooLong)).toBe(false);
    expect(withinIdLength('i'.repeat(MAX_ID_LENGTH + 1))).toBe(false);
  });
});

describe('numbers', () => {
  it('rejects huge numbers where an integer is expected (1e400 parses as Infinity)', () => {
    const sub = (tail: string) => `{"type":"subscribe","id":"s1","topics":["a"],${tail}}`;
    expectError(parseClientFrame(sub('"since":1e400')), { field: 'since', id: 's1' });
    expectError(parseClientFrame(sub('"since":-1e400')), { field: 'since', id: 's1' });
    expectError(parseClientFrame(sub('"position":{"epoch":"e","offset":1e400}')), {
      field: 'position.offset',
      id: 's1',
    });
    expectError(parseClientFrame(sub('"since":9007199254740993')), { field: 'since', id: 's1' });
    expectError(parseClientFrame('{"type":"hello","versions":[1e400]}'), { field: 'versions.0' });
    expectError(parseClientFrame('{"type":"ping","id":"p","ts":1e400}'), { field: 'ts', id: 'p' });
    expectError(
      parseServerFrame(
        '{"type":"event","id":"m","topic":"a","data":1,"sequenceNumber":1e400,"offset":0,"epoch":"e","timestamp":0}',
      ),
      { field: 'sequenceNumber', id: 'm' },
    );
  });

  it('rejects negative and fractional offsets', () => {
    const base = { type: 'subscribe', id: 's1', topics: ['a'] };
    for (const bad of [-1, 0.5, 1.5, -0.1]) {
      expectError(parseClientFrame({ ...base, since: bad }), { field: 'since', id: 's1' });
      expectError(parseClientFrame({ ...base, position: { epoch: 'e', offset: bad } }), {
        field: 'position.offset',
        id: 's1',
      });
    }
    const since = parseClientFrame({ ...base, since: 'first' });
    expectError(since, {
      field: 'since',
      id: 's1',
      message: /non-negative integer offset or "last"/,
    });
    expect(parseClientFrame({ ...base, since: 0 }).ok).toBe(true);
    expect(parseClientFrame({ ...base, since: Number.MAX_SAFE_INTEGER }).ok).toBe(true);
  });

  it('keeps a huge number inside data as JSON does (Infinity)', () => {
    const result = parseClientFrame('{"type":"publish","id":"m","topic":"a","data":1e400}');
    expect(result).toMatchObject({ ok: true, frame: { data: Number.POSITIVE_INFINITY } });
  });
});

describe('prototype pollution', () => {
  it('ignores __proto__ and constructor keys anywhere in the frame', () => {
    const inputs = [
      '{"type":"publish","id":"m","topic":"a","data":1,"__proto__":{"polluted":true}}',
      '{"type":"publish","id":"m","topic":"a","data":{"__proto__":{"polluted":true}}}',
      '{"type":"publish","id":"m","topic":"a","data":{"constructor":{"prototype":{"polluted":true}}}}',
      '{"type":"publish","id":"m","topic":"a","data":1,"constructor":{"prototype":{"polluted":true}}}',
      '{"type":"hello","versions":[1],"client":{"__proto__":{"polluted":true},"name":"n"}}',
      '{"type":"subscribe","topics":["a"],"position":{"__proto__":{"polluted":true},"epoch":"e","offset":1}}',
      '{"__proto__":{"polluted":true},"type":"ping"}',
    ];
    for (const input of inputs) {
      const result = parseClientFrame(input);
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(Object.getPrototypeOf(result.frame)).toBe(Object.prototype);
        expect((result.frame as { polluted?: unknown }).polluted).toBeUndefined();
      }
      parseClientFrame(Buffer.from(input));
    }
    const server = [
      '{"type":"error","code":"FORBIDDEN","message":"m","details":{"__proto__":{"polluted":true}}}',
      '{"type":"event","id":"m","topic":"a","data":{"__proto__":{"polluted":true}},"sequenceNumber":1,"offset":0,"epoch":"e","timestamp":0}',
      '{"type":"ack","id":"s","ok":true,"subscriptions":[{"__proto__":{"polluted":true},"pattern":"a","wasRecovering":false,"recovered":false,"replayed":0}]}',
    ];
    for (const input of server) {
      const result = parseServerFrame(input);
      expect(result.ok).toBe(true);
      if (result.ok && result.frame.type === 'error') {
        expect((result.frame.details as { polluted?: unknown }).polluted).toBeUndefined();
      }
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('deep nesting', () => {
  const nested = (n: number, inner = '') => '['.repeat(n) + inner + ']'.repeat(n);

  it('answers 100k nested arrays with an error instead of a stack overflow', () => {
    expectError(parseClientFrame(nested(100_000)), { message: /JSON object|nested/ });
    expectError(parseServerFrame(Buffer.from(nested(100_000))), { message: /JSON object|nested/ });
  });

  it('rejects deep data with the field and id, so re-encoding it cannot overflow the stack', () => {
    const deep = `{"type":"publish","id":"m1","topic":"a","data":${nested(100_000, '"x"')}}`;
    expectError(parseClientFrame(deep), { field: 'data', id: 'm1', message: /nested deeper/ });
    const objects = `{"type":"publish","id":"m1","topic":"a","data":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    expectError(parseClientFrame(objects), { field: 'data', id: 'm1', message: /nested deeper/ });
    expectError(
      parseClientFrame(nested(100_000, '1').replace(/^\[/, '{"x":[').replace(/\]$/, ']}')),
      {
        field: 'x',
        message: /nested deeper/,
      },
    );
  });

  it(`accepts data up to ${MAX_FRAME_DEPTH} levels including the frame itself`, () => {
    const at = (levels: number) =>
      `{"type":"publish","id":"m1","topic":"a","data":${nested(levels - 1, '"[{\\"]"')}}`;
    const ok = parseClientFrame(at(MAX_FRAME_DEPTH));
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(() => encodeFrame(ok.frame)).not.toThrow();
    expectError(parseClientFrame(at(MAX_FRAME_DEPTH + 1)), { field: 'data', id: 'm1' });
    // Brackets inside strings do not count.
    const inString = `{"type":"publish","id":"m1","topic":"a","data":"${'['.repeat(10_000)}"}`;
    expect(parseClientFrame(inString).ok).toBe(true);
  });
});

// ---- fields -----------------------------------------------------------------------------------

const MISSING = Symbol('missing');

interface FieldCase {
  /** Dotted path of the field to replace, e.g. `position.offset`. */
  path: string;
  values: unknown[];
  /** The field the error names, when it is not `path`. */
  field?: string;
  code?: ErrorCode;
}

const CLIENT_BASES: Record<
  ClientFrameT['type'],
  { base: Record<string, unknown>; cases: FieldCase[] }
> = {
  hello: {
    base: { type: 'hello', versions: [1], token: 't', client: { name: 'n', version: '1' } },
    cases: [
      { path: 'versions', values: [MISSING, '1', 1, null, [], Array(17).fill(1)] },
      { path: 'versions', field: 'versions.0', values: [['1'], [0], [1.5], [65536], [null]] },
      { path: 'token', values: ['', 5, 'x'.repeat(8193), null] },
      { path: 'client', values: ['x', 5, null, []] },
      { path: 'client.name', values: [5, 'x'.repeat(129)] },
      { path: 'client.version', values: [5, 'x'.repeat(65)] },
    ],
  },
  auth: {
    base: { type: 'auth', id: 'a1', token: 't' },
    cases: [{ path: 'token', values: [MISSING, '', 5, null, 'x'.repeat(8193), {}] }],
  },
  subscribe: {
    base: { type: 'subscribe', id: 's1', topics: ['a.*'], position: { epoch: 'e', offset: 3 } },
    cases: [
      {
        path: 'topics',
        values: [MISSING, 'a', null, [], Array(MAX_TOPICS_PER_FRAME + 1).fill('a'), {}],
      },
      {
        path: 'topics',
        field: 'topics.0',
        code: ErrorCode.INVALID_PATTERN,
        values: [[5], [null], [''], ['a.b*'], ['a..b'], ['x'.repeat(256)], ['a b'], [['a']]],
      },
      { path: 'topics', field: 'topics.1', code: ErrorCode.INVALID_PATTERN, values: [['a', '*a']] },
      { path: 'position', values: ['x', 5, null, []] },
      { path: 'position.epoch', values: [MISSING, '', 5, 'e'.repeat(65)] },
      { path: 'position.offset', values: [MISSING, -1, 0.5, '3', null] },
      { path: 'since', values: [-1, 0.5, '0', 'first', null, true] },
    ],
  },
  unsubscribe: {
    base: { type: 'unsubscribe', id: 'u1', topics: ['a.#'] },
    cases: [
      { path: 'topics', values: [MISSING, 'a', [], null] },
      { path: 'topics', field: 'topics.0', code: ErrorCode.INVALID_PATTERN, values: [[5], ['#a']] },
    ],
  },
  publish: {
    base: { type: 'publish', id: 'm1', topic: 'a.b', data: { x: 1 } },
    cases: [
      { path: 'id', values: [MISSING, '', 5, null, 'i'.repeat(MAX_ID_LENGTH + 1)] },
      {
        path: 'topic',
        code: ErrorCode.INVALID_TOPIC,
        values: [
          MISSING,
          5,
          null,
          '',
          'a..b',
          '.a',
          'a.',
          'a.*',
          'a.#',
          'a*',
          'a b',
          'a\u0000',
          'x'.repeat(256),
          ['a'],
        ],
      },
      { path: 'ack', values: ['yes', 1, null] },
      { path: 'echo', values: ['no', 0, null] },
    ],
  },
  request: {
    base: { type: 'request', id: 'r1', method: 'tasks.assign', data: null },
    cases: [
      { path: 'id', values: [MISSING, '', 5] },
      { path: 'method', values: [MISSING, '', 5, 'm'.repeat(256)] },
      { path: 'timeoutMs', values: [0, -1, 1.5, '5000', null, 2 ** 31] },
      { path: 'credit', values: [0, -1, 0.5, '8', null, 65_537] },
    ],
  },
  handle: {
    base: { type: 'handle', id: 'h1', method: 'agent.7.exec', group: 'agents' },
    cases: [
      { path: 'id', values: [MISSING, '', 5] },
      {
        path: 'method',
        values: [
          MISSING,
          '',
          5,
          'agent.*.exec',
          'agent.#',
          'a..b',
          'a b',
          '$history',
          'x'.repeat(256),
        ],
      },
      { path: 'group', values: ['', 5, null, 'g'.repeat(129)] },
    ],
  },
  unhandle: {
    base: { type: 'unhandle', id: 'h2', method: 'agent.7.exec' },
    cases: [
      { path: 'id', values: [MISSING, ''] },
      { path: 'method', values: [MISSING, 'agent.*', '$x'] },
    ],
  },
  reply: {
    base: { type: 'reply', call: 'c1', data: { exit: 0 } },
    cases: [
      { path: 'call', values: [MISSING, '', 5, 'c'.repeat(MAX_ID_LENGTH + 1)] },
      { path: 'data', values: [MISSING] },
    ],
  },
  chunk: {
    base: { type: 'chunk', call: 'c1', data: 'line' },
    cases: [
      { path: 'call', values: [MISSING, '', null] },
      { path: 'data', values: [MISSING] },
    ],
  },
  end: {
    base: { type: 'end', call: 'c1' },
    cases: [{ path: 'call', values: [MISSING, '', 7] }],
  },
  fail: {
    base: { type: 'fail', call: 'c1', code: 'INTERNAL_ERROR', message: 'boom', details: { a: 1 } },
    cases: [
      { path: 'call', values: [MISSING, ''] },
      { path: 'code', values: [MISSING, 'NOPE', 5] },
      { path: 'message', values: [MISSING, 5] },
      { path: 'details', values: ['x', [], null] },
    ],
  },
  cancel: {
    base: { type: 'cancel', id: 'r1' },
    cases: [{ path: 'id', values: [MISSING, '', 5] }],
  },
  credit: {
    base: { type: 'credit', id: 'r1', credit: 4 },
    cases: [
      { path: 'id', values: [MISSING, ''] },
      { path: 'credit', values: [MISSING, 0, -2, 1.5, '4', 65_537] },
    ],
  },
  ping: {
    base: { type: 'ping', id: 'p1', ts: 1 },
    cases: [
      { path: 'id', values: ['', 5, null] },
      { path: 'ts', values: ['1', null, {}] },
    ],
  },
  pong: {
    base: { type: 'pong', id: 'p1', ts: 1 },
    cases: [
      { path: 'id', values: ['', 5, null] },
      { path: 'ts', values: ['1', null, true] },
    ],
  },
};

const SERVER_BASES: Record<
  ServerFrameT['type'],
  { base: Record<string, unknown>; cases: FieldCase[] }
> = {
  welcome: {
    base: SERVER_FRAMES[0] as Record<string, unknown>,
    cases: [
      { path: 'version', values: [MISSING, 0, '1', 1.5] },
      { path: 'connectionId', values: [MISSING, 5] },
      { path: 'principal', values: [MISSING, 'agent', 5] },
      { path: 'principal.id', values: [MISSING, 5] },
      { path: 'epoch', values: [MISSING, '', 5, 'e'.repeat(65)] },
      { path: 'heartbeatIntervalMs', values: [MISSING, -1, 1.5, '0'] },
      { path: 'maxPayload', values: [MISSING, -1, 0.5] },
      { path: 'server', values: [MISSING, 'x'] },
      { path: 'server.version', values: [MISSING, 1] },
    ],
  },
  ack: {
    base: {
      type: 'ack',
      id: 'm1',
      ok: true,
      offset: 1,
      sequenceNumber: 1,
      epoch: 'e',
      duplicate: false,
    },
    cases: [
      { path: 'ok', values: [MISSING, false, 'true'] },
      { path: 'offset', values: [-1, 0.5, '1'] },
      { path: 'sequenceNumber', values: [0, -1, 1.5] },
      { path: 'epoch', values: ['', 1] },
      { path: 'duplicate', values: ['no'] },
      { path: 'subscriptions', values: ['x', {}] },
      {
        path: 'subscriptions',
        field: 'subscriptions.0.wasRecovering',
        values: [[{ pattern: 'a' }]],
      },
    ],
  },
  event: {
    base: SERVER_FRAMES[6] as Record<string, unknown>,
    cases: [
      { path: 'id', values: [MISSING, 5] },
      { path: 'topic', values: [MISSING, 5] },
      { path: 'sequenceNumber', values: [MISSING, 0, 1.5, '1'] },
      { path: 'offset', values: [MISSING, -1, 0.5] },
      { path: 'epoch', values: [MISSING, ''] },
      { path: 'timestamp', values: [MISSING, 'now', null] },
      { path: 'replay', values: ['yes'] },
    ],
  },
  response: {
    base: { type: 'response', id: 'r1', data: 1 },
    cases: [{ path: 'id', values: [MISSING, '', 5] }],
  },
  error: {
    base: {
      type: 'error',
      id: 'x1',
      code: 'FORBIDDEN',
      message: 'no',
      details: { field: 'topic' },
    },
    cases: [
      { path: 'code', values: [MISSING, 'NOPE', 'forbidden', 5] },
      { path: 'message', values: [MISSING, 5, null] },
      { path: 'details', values: ['x', 5, null, []] },
    ],
  },
  ping: {
    base: { type: 'ping', id: 'p1', ts: 1 },
    cases: [{ path: 'ts', values: ['1'] }],
  },
  pong: {
    base: { type: 'pong', id: 'p1', ts: 1 },
    cases: [{ path: 'ts', values: ['1'] }],
  },
  dropped: {
    base: SERVER_FRAMES[13] as Record<string, unknown>,
    cases: [
      { path: 'epoch', values: [MISSING, ''] },
      { path: 'fromOffset', values: [MISSING, -1, 0.5] },
      { path: 'toOffset', values: [MISSING, -1, '1'] },
      { path: 'count', values: [MISSING, 0, 1.5] },
    ],
  },
  disconnect: {
    base: SERVER_FRAMES[14] as Record<string, unknown>,
    cases: [
      { path: 'code', values: [MISSING, 1.5, '1000'] },
      { path: 'reason', values: [MISSING, 5] },
      { path: 'reconnect', values: [MISSING, 'yes', 1] },
    ],
  },
  'refresh-required': {
    base: { type: 'refresh-required', expiresAt: 1_700_000_060_000 },
    cases: [{ path: 'expiresAt', values: [MISSING, -1, 1.5, '1700000060000', null] }],
  },
  unsubscribed: {
    base: { type: 'unsubscribed', topics: ['task.#'], code: 'FORBIDDEN', reason: 'narrowed' },
    cases: [
      { path: 'topics', values: [MISSING, [], 'task.#', Array(101).fill('a')] },
      { path: 'code', values: [MISSING, 'NOPE', 5] },
      { path: 'reason', values: [MISSING, 5] },
    ],
  },
  // `data` is any JSON value, so there is no bad field to name.
  message: { base: { type: 'message', data: { type: 'notification' } }, cases: [] },
  invoke: {
    base: {
      type: 'invoke',
      call: 'c1',
      method: 'agent.7.exec',
      data: 'ls',
      timeoutMs: 1000,
      credit: 16,
      caller: 'dashboard',
    },
    cases: [
      { path: 'call', values: [MISSING, '', 5] },
      { path: 'method', values: [MISSING, 5] },
      { path: 'data', values: [MISSING] },
      { path: 'timeoutMs', values: [MISSING, 0, 1.5, '1000'] },
      { path: 'credit', values: [0, 65_537, '16'] },
      { path: 'caller', values: [5, null] },
    ],
  },
  chunk: {
    base: { type: 'chunk', id: 'r1', data: [1, 2] },
    cases: [
      { path: 'id', values: [MISSING, '', 5] },
      { path: 'data', values: [MISSING] },
    ],
  },
  end: {
    base: { type: 'end', id: 'r1' },
    cases: [{ path: 'id', values: [MISSING, ''] }],
  },
  cancel: {
    base: { type: 'cancel', call: 'c1', code: 'TIMEOUT', message: 'late' },
    cases: [
      { path: 'call', values: [MISSING, ''] },
      { path: 'code', values: [MISSING, 'LATE'] },
      { path: 'message', values: [MISSING, 1] },
    ],
  },
  credit: {
    base: { type: 'credit', call: 'c1', credit: 2 },
    cases: [
      { path: 'call', values: [MISSING, 5] },
      { path: 'credit', values: [MISSING, 0, 2.5] },
    ],
  },
};

function withField(
  base: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === MISSING) delete target[last];
  else target[last] = value;
  return copy;
}

function fieldTests(
  side: string,
  bases: Record<string, { base: Record<string, unknown>; cases: FieldCase[] }>,
  parse: Parser,
): void {
  describe(`every field of every ${side} frame`, () => {
    for (const [type, { base, cases }] of Object.entries(bases)) {
      it(`${type}: the base frame is valid, and each bad field is named`, () => {
        expect(parse(JSON.stringify(base))).toEqual({ ok: true, frame: base });
        const id = typeof base.id === 'string' ? base.id : undefined;
        for (const { path, values, field, code } of cases) {
          for (const value of values) {
            const frame = withField(base, path, value);
            const result = parse(JSON.stringify(frame));
            const expectedId = path === 'id' ? undefined : id;
            try {
              expectError(result, {
                code: code ?? ErrorCode.INVALID_MESSAGE,
                field: field ?? path,
                id: expectedId,
              });
            } catch (error) {
              throw new Error(
                `${type}.${path} = ${String(JSON.stringify(value)).slice(0, 60)}: ${(error as Error).message}\n${JSON.stringify(result).slice(0, 300)}`,
              );
            }
          }
        }
      });
    }
  });
}

fieldTests('client', CLIENT_BASES, parseClientFrame);
fieldTests('server', SERVER_BASES, parseServerFrame);

describe('error codes and messages', () => {
  it('uses INVALID_TOPIC for any bad publish topic, with the reason', () => {
    const error = expectError(parseClientFrame(publish({ topic: 'agent..status' })), {
      code: ErrorCode.INVALID_TOPIC,
      field: 'topic',
      id: 'm1',
    });
    expect(error.message).toBe('Invalid field "topic" in publish frame: topic segment 2 is empty');
    // Too long is caught by the length check before the refinement: still INVALID_TOPIC.
    expectError(parseClientFrame(publish({ topic: 't'.repeat(300) })), {
      code: ErrorCode.INVALID_TOPIC,
      field: 'topic',
      id: 'm1',
    });
    expectError(parseClientFrame(publish({ topic: 'é'.repeat(128) })), {
      code: ErrorCode.INVALID_TOPIC,
      field: 'topic',
      id: 'm1',
      message: /255 bytes/,
    });
  });

  it('uses INVALID_PATTERN for a bad subscribe or unsubscribe pattern, naming its index', () => {
    const error = expectError(
      parseClientFrame('{"type":"subscribe","id":"s1","topics":["a.*","a*"]}'),
      {
        code: ErrorCode.INVALID_PATTERN,
        field: 'topics.1',
        id: 's1',
      },
    );
    expect(error.message).toMatch(
      /^Invalid field "topics\.1" in subscribe frame: pattern segment 1/,
    );
    expect(error.message).toContain('must be whole segments');
  });

  it('uses INVALID_MESSAGE for a bad topics list itself', () => {
    expectError(parseClientFrame('{"type":"subscribe","id":"s1","topics":[]}'), {
      code: ErrorCode.INVALID_MESSAGE,
      field: 'topics',
      id: 's1',
    });
  });

  it('counts the other issues', () => {
    const result = parseClientFrame(
      '{"type":"publish","id":"m1","topic":"","data":null,"ack":1,"echo":2}',
    );
    expectError(result, {
      code: ErrorCode.INVALID_TOPIC,
      field: 'topic',
      id: 'm1',
      message: /\(and 2 more\)$/,
    });
  });

  it('strips unknown fields', () => {
    const result = parseClientFrame('{"type":"ping","id":"p","extra":1,"nested":{"x":1}}');
    expect(result).toEqual({ ok: true, frame: { type: 'ping', id: 'p' } });
  });

  it('requires data on frames that carry it; null is a value', () => {
    expectError(parseClientFrame('{"type":"publish","id":"m","topic":"a"}'), {
      field: 'data',
      id: 'm',
    });
    expectError(parseClientFrame('{"type":"request","id":"r","method":"a"}'), {
      field: 'data',
      id: 'r',
    });
    expectError(parseServerFrame('{"type":"response","id":"r"}'), { field: 'data', id: 'r' });
    expect(parseClientFrame('{"type":"publish","id":"m","topic":"a","data":null}').ok).toBe(true);
  });

  it('encodes undefined data as null, so the frame stays valid', () => {
    const frames = [
      { type: 'publish', id: 'm', topic: 'a', data: undefined },
      { type: 'request', id: 'r', method: 'a', data: undefined },
    ] as const;
    for (const frame of frames) {
      const text = encodeFrame(frame);
      expect(JSON.parse(text)).toEqual({ ...frame, data: null });
      expect(parseClientFrame(text).ok).toBe(true);
    }
    const response = encodeFrame({ type: 'response', id: 'r', data: undefined });
    expect(parseServerFrame(response)).toEqual({
      ok: true,
      frame: { type: 'response', id: 'r', data: null },
    });
    expect(encodeFrame({ type: 'ping' })).toBe('{"type":"ping"}');
  });
});

// ---- round trips ------------------------------------------------------------------------------

describe('round trips', () => {
  it('covers every frame type in both directions', () => {
    const clientTypes = new Set(ClientFrame.options.map((o) => o.shape.type.value));
    const serverTypes = new Set(ServerFrame.options.map((o) => o.shape.type.value));
    expect(new Set(CLIENT_FRAMES.map((f) => f.type))).toEqual(clientTypes);
    expect(new Set(SERVER_FRAMES.map((f) => f.type))).toEqual(serverTypes);
  });

  it.each(CLIENT_FRAMES.map((frame) => [frame.type, frame] as const))('client %s', (_, frame) => {
    const text = encodeFrame(frame);
    expect(parseClientFrame(text)).toEqual({ ok: true, frame });
    expect(parseClientFrame(Buffer.from(text))).toEqual({ ok: true, frame });
    expect(encodeFrame(frame)).toBe(text);
  });

  it.each(SERVER_FRAMES.map((frame) => [frame.type, frame] as const))('server %s', (_, frame) => {
    const text = encodeFrame(frame);
    expect(parseServerFrame(text)).toEqual({ ok: true, frame });
    expect(parseServerFrame(new TextEncoder().encode(text).buffer)).toEqual({ ok: true, frame });
  });

  it('errorFrame and errorFromFrame round-trip a SwitchboardError', () => {
    const parsed = parseClientFrame(publish({ topic: 'a.*' }));
    if (parsed.ok) throw new Error('expected an error');
    const frame = errorFrame(parsed.error, parsed.id);
    expect(frame).toEqual({
      type: 'error',
      id: 'm1',
      code: 'INVALID_TOPIC',
      message: parsed.error.message,
      details: { field: 'topic' },
    });
    const back = parseServerFrame(encodeFrame(frame));
    expect(back.ok).toBe(true);
    if (!back.ok || back.frame.type !== 'error') throw new Error('expected an error frame');
    const error = errorFromFrame(back.frame);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error.code).toBe('INVALID_TOPIC');
    expect(error.message).toBe(parsed.error.message);
    expect(error.details).toEqual({ field: 'topic' });

    const bare = errorFrame(new SwitchboardError('TIMEOUT', 'late'));
    expect(bare).toEqual({ type: 'error', code: 'TIMEOUT', message: 'late' });
    expect(parseServerFrame(encodeFrame(bare)).ok).toBe(true);
    expect(errorFromFrame({ code: 'TIMEOUT', message: 'late' }).details).toBeUndefined();
  });
});

// ---- fuzz -------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so a failure can be replayed from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  1.5,
  2 ** 53 + 2,
  1e308,
  '',
  ' ',
  'a',
  'a.b',
  'a.*',
  '#',
  'a..b',
  'x'.repeat(300),
  '\u0000',
  '\ud800',
  'ping',
  'publish',
  [],
  [1],
  ['a'],
  [[[[]]]],
  {},
  { epoch: 'e', offset: 1 },
  { pattern: 'a', wasRecovering: true, recovered: true, replayed: 1 },
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { constructor: { prototype: { polluted: true } } },
];
const KEYS = [
  'type',
  'id',
  'topic',
  'topics',
  'data',
  'token',
  'since',
  'position',
  'offset',
  '__proto__',
  'constructor',
  'prototype',
  'x',
];

function mutate(value: unknown, random: () => number, depth = 0): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  if (typeof value !== 'object' || value === null || random() < 0.15 || depth > 3) {
    return structuredClone(pick(WEIRD));
  }
  const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
  const keys = Object.keys(copy);
  const roll = random();
  if (roll < 0.25 && keys.length > 0) {
    delete copy[pick(keys)];
  } else if (roll < 0.5 || keys.length === 0) {
    Object.defineProperty(copy, pick(KEYS), {
      value: structuredClone(pick(WEIRD)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    const key = pick(keys);
    copy[key] = mutate(copy[key], random, depth + 1);
  }
  return copy;
}

function mutateText(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const chars = [
    '{',
    '}',
    '[',
    ']',
    '"',
    ',',
    ':',
    '\\',
    '0',
    '-',
    'e',
    ' ',
    '\u0000',
    'é',
    '\ud83d',
  ];
  const roll = random();
  if (roll < 0.33) return text.slice(0, at) + text.slice(at + 1);
  if (roll < 0.66)
    return text.slice(0, at) + chars[Math.floor(random() * chars.length)] + text.slice(at);
  return text.slice(0, at);
}

function fuzz(
  name: string,
  frames: readonly object[],
  parse: Parser,
  union: typeof ClientFrame | typeof ServerFrame,
  seed: number,
  minimum = { accepted: 200, rejected: 200 },
): void {
  it(`${name}: ${4000} random mutations never throw and give well-formed results (seed ${seed})`, () => {
    const random = prng(seed);
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 4000; i++) {
      const frame = frames[Math.floor(random() * frames.length)]!;
      let input: unknown;
      const mode = random();
      if (mode < 0.5) {
        input = JSON.stringify(mutate(frame, random));
      } else if (mode < 0.7) {
        input = mutateText(JSON.stringify(frame), random);
      } else if (mode < 0.85) {
        const bytes = Buffer.from(JSON.stringify(mutate(frame, random)));
        if (bytes.length > 0)
          bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        const cut = Math.floor(random() * (bytes.length + 1));
        input = random() < 0.5 ? bytes : [bytes.subarray(0, cut), bytes.subarray(cut)];
      } else {
        input = mutate(frame, random);
      }
      let result: ParseResult<{ type: string }> | undefined;
      try {
        result = parse(input);
        expectWellFormed(result, union);
      } catch (error) {
        throw new Error(
          `iteration ${i} (seed ${seed}) on ${String(JSON.stringify(input)).slice(0, 300)}: ${(error as Error).message}`,
        );
      }
      if (result.ok) {
        accepted++;
        // Whatever was accepted re-encodes and parses back to the same bytes.
        const text = encodeFrame(result.frame as ClientFrameT);
        const again = parse(text);
        expect(again.ok).toBe(true);
        if (again.ok) expect(encodeFrame(again.frame as ClientFrameT)).toBe(text);
      } else {
        rejected++;
      }
    }
    // The fuzzer must exercise both outcomes to mean anything.
    expect(accepted).toBeGreaterThan(minimum.accepted);
    expect(rejected).toBeGreaterThan(minimum.rejected);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
}

describe('fuzz', () => {
  fuzz('client', CLIENT_FRAMES, parseClientFrame, ClientFrame, 0x5eed);
  fuzz('server', SERVER_FRAMES, parseServerFrame, ServerFrame, 0xbeef);
  // Only ping and pong go both ways, so most of these are rightly rejected.
  fuzz(
    'client frames sent to the server parser',
    CLIENT_FRAMES,
    parseServerFrame,
    ServerFrame,
    42,
    {
      accepted: 50,
      rejected: 2000,
    },
  );
});

describe('event fast path', () => {
  const good = {
    type: 'event',
    id: 'm1',
    topic: 'a.b',
    data: { x: 1 },
    sequenceNumber: 1,
    offset: 0,
    epoch: 'e',
    timestamp: 5,
  };
  const bad: Record<string, unknown>[] = [
    { sequenceNumber: 0 },
    { sequenceNumber: 1.5 },
    { offset: -1 },
    { offset: 2 ** 60 },
    { epoch: '' },
    { epoch: 'e'.repeat(65) },
    { timestamp: '5' },
    { replay: 'yes' },
    { id: 7 },
    { topic: null },
  ];

  it('agrees with the EventFrame schema on good and bad events', () => {
    for (const frame of [
      good,
      { ...good, replay: true, extra: 'dropped' },
      ...bad.map((b) => ({ ...good, ...b })),
    ]) {
      const fast = parseServerFrame(JSON.stringify(frame));
      const schema = EventFrame.safeParse(frame);
      expect(fast.ok).toBe(schema.success);
      if (fast.ok && schema.success) expect(fast.frame).toEqual(schema.data);
    }
    const { data: _data, ...withoutData } = good;
    expect(parseServerFrame(JSON.stringify(withoutData)).ok).toBe(
      EventFrame.safeParse(withoutData).success,
    );
  });
});

describe('publish fast path', () => {
  const good = { type: 'publish', id: 'p1', topic: 'agent.7.status', data: { state: 'busy' } };
  const variants: Record<string, unknown>[] = [
    {},
    { ack: false },
    { echo: false, ack: true },
    { data: null },
    { extra: 'stripped', __proto__: { polluted: true } },
    { id: '' },
    { id: 'x'.repeat(MAX_ID_LENGTH) },
    { id: 'x'.repeat(MAX_ID_LENGTH + 1) },
    { id: 7 },
    { topic: 'agent.*.status' },
    { topic: 'a..b' },
    { topic: '' },
    { topic: 'é'.repeat(127) },
    { topic: 'é'.repeat(128) },
    { topic: 'x'.repeat(256) },
    { topic: 5 },
    { ack: 'no' },
    { echo: 1 },
  ];

  it('agrees with the PublishFrame schema, field for field and key for key', () => {
    for (const variant of variants) {
      const frame = { ...good, ...variant };
      const fast = parseClientFrame(JSON.stringify(frame));
      const schema = ClientFrame.safeParse(JSON.parse(JSON.stringify(frame)));
      expect(fast.ok, JSON.stringify(variant)).toBe(schema.success);
      if (fast.ok && schema.success) {
        expect(fast.frame).toEqual(schema.data);
        expect(Object.keys(fast.frame)).toEqual(Object.keys(schema.data));
      }
    }
    const { data: _data, ...withoutData } = good;
    expect(parseClientFrame(JSON.stringify(withoutData)).ok).toBe(
      ClientFrame.safeParse(withoutData).success,
    );
  });

  it('answers bad publishes with the codes the schema path gives', () => {
    const topic = parseClientFrame(JSON.stringify({ ...good, topic: 'a.#' }));
    expect(topic.ok).toBe(false);
    if (!topic.ok) expect(topic.error.code).toBe(ErrorCode.INVALID_TOPIC);
    const id = parseClientFrame(JSON.stringify({ ...good, id: '' }));
    expect(id.ok).toBe(false);
  });
});
