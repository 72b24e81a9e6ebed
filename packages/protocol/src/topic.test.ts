import { describe, expect, it } from 'vitest';
import { ErrorCode, SwitchboardError } from './errors.ts';
import {
  assertPattern,
  assertTopic,
  checkPattern,
  checkTopic,
  isValidPattern,
  isValidTopic,
  isWildcardPattern,
  MULTI_WILDCARD,
  SINGLE_WILDCARD,
  TOPIC_LIMITS,
} from './topic.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const segments = (n: number, segment = 's') => Array.from({ length: n }, () => segment).join('.');

function reason(check: ReturnType<typeof checkTopic>): string {
  if (check.ok) throw new Error('expected the check to fail');
  return check.reason;
}

describe('limits', () => {
  it('are 255 bytes and 32 segments', () => {
    expect(TOPIC_LIMITS).toEqual({ maxBytes: 255, maxSegments: 32 });
    expect(SINGLE_WILDCARD).toBe('*');
    expect(MULTI_WILDCARD).toBe('#');
  });

  it('allow exactly 255 bytes and reject 256, counting UTF-8 bytes', () => {
    const ascii = 'a'.repeat(255);
    const twoByte = `${'é'.repeat(127)}a`; // 127 UTF-16 units of 2 bytes each
    const fourByte = `${'😀'.repeat(63)}abc`; // surrogate pairs: 2 units, 4 bytes
    const threeByte = '日'.repeat(85);
    for (const topic of [ascii, twoByte, fourByte, threeByte]) {
      expect(bytes(topic)).toBe(255);
      expect(checkTopic(topic)).toEqual({ ok: true });
      expect(checkPattern(topic)).toEqual({ ok: true });
    }
    for (const topic of [
      'a'.repeat(256),
      'é'.repeat(128),
      `${'😀'.repeat(64)}`,
      `${'日'.repeat(85)}a`,
    ]) {
      expect(bytes(topic)).toBe(256);
      // Fewer than 255 UTF-16 units, so only a byte count catches these.
      expect(reason(checkTopic(topic))).toBe('topic is longer than 255 bytes');
      expect(reason(checkPattern(topic))).toBe('pattern is longer than 255 bytes');
    }
  });

  it('allow 32 segments and reject 33', () => {
    expect(checkTopic(segments(32))).toEqual({ ok: true });
    expect(reason(checkTopic(segments(33)))).toBe('topic has more than 32 segments');
    expect(checkPattern(segments(32, '#'))).toEqual({ ok: true });
    expect(reason(checkPattern(segments(33, '*')))).toBe('pattern has more than 32 segments');
  });
});

describe('checkTopic', () => {
  it.each([
    'a',
    'agent.42.status',
    'task.t-1.completed',
    'swarm.s_1.vote.A',
    'café.日本.😀',
    'UPPER.lower.123',
    'a-b_c:d/e@f+g=h',
  ])('accepts %j', (topic) => {
    expect(checkTopic(topic)).toEqual({ ok: true });
    expect(isValidTopic(topic)).toBe(true);
  });

  it('rejects empty topics and empty segments, naming the segment', () => {
    expect(reason(checkTopic(''))).toBe('topic must not be empty');
    expect(reason(checkTopic('.'))).toBe('topic segment 1 is empty');
    expect(reason(checkTopic('.a'))).toBe('topic segment 1 is empty');
    expect(reason(checkTopic('a.'))).toBe('topic segment 2 is empty');
    expect(reason(checkTopic('a..b'))).toBe('topic segment 2 is empty');
  });

  it('rejects wildcards, whole or inside a segment', () => {
    for (const topic of [
      '*',
      '#',
      'a.*',
      'a.#',
      '#.a',
      'a*',
      '*a',
      'a#b',
      'agent.*.status',
      'a.b*c',
    ]) {
      expect(reason(checkTopic(topic))).toMatch(
        /contains "[*#]"; wildcards are allowed only in subscription patterns/,
      );
      expect(isValidTopic(topic)).toBe(false);
    }
    expect(reason(checkTopic('agent.4*2'))).toBe(
      'topic segment 2 ("4*2") contains "*"; wildcards are allowed only in subscription patterns',
    );
  });

  it('rejects whitespace of every kind', () => {
    for (const ws of [
      ' ',
      '\t',
      '\n',
      '\r',
      '\v',
      '\f',
      '\u00a0',
      '\u2003',
      '\u2028',
      '\u2029',
      '\u3000',
      '\ufeff',
    ]) {
      expect(reason(checkTopic(`a.b${ws}c`))).toMatch(
        /^topic segment 2 \(.*\) contains whitespace \(U\+[0-9A-F]{4}\)$/s,
      );
      expect(isValidTopic(ws)).toBe(false);
    }
    expect(reason(checkTopic('a b'))).toBe('topic segment 1 ("a b") contains whitespace (U+0020)');
  });

  it('rejects C0 and C1 control characters', () => {
    for (const cc of [
      '\u0000',
      '\u0001',
      '\u0007',
      '\u001b',
      '\u007f',
      '\u0080',
      '\u0085',
      '\u009f',
    ]) {
      expect(reason(checkTopic(`a${cc}`))).toMatch(
        /contains (a control character|whitespace) \(U\+00[0-9A-F]{2}\)$/,
      );
    }
    expect(reason(checkTopic('a\u0000'))).toBe(
      'topic segment 1 ("a\\u0000") contains a control character (U+0000)',
    );
  });

  it('rejects unpaired surrogates, which UTF-8 cannot carry', () => {
    expect(reason(checkTopic('a.\ud800'))).toBe(
      'topic segment 2 ("\\ud800") contains an unpaired surrogate (U+D800)',
    );
    expect(isValidTopic('\udc00x')).toBe(false);
    expect(isValidTopic('\ud83d\ude00')).toBe(true);
  });

  it('rejects non-strings without throwing', () => {
    const weird = [
      undefined,
      null,
      5,
      true,
      {},
      ['a'],
      Symbol('a'),
      () => 'a',
      new String('a'),
      Object.create(null),
    ];
    for (const value of weird) {
      expect(reason(checkTopic(value))).toBe('topic must be a string');
      expect(reason(checkPattern(value))).toBe('pattern must be a string');
    }
  });
});

describe('checkPattern', () => {
  it.each([
    'a',
    'agent.42.status',
    '*',
    '#',
    'agent.*.status',
    'agent.#',
    '#.error',
    'a.#.b',
    'a.#.b.c',
    '*.*',
    '#.#',
    '#.*',
    '*.#.*',
    'café.*',
  ])('accepts %j', (pattern) => {
    expect(checkPattern(pattern)).toEqual({ ok: true });
    expect(isValidPattern(pattern)).toBe(true);
  });

  it('allows * and # only as whole segments', () => {
    for (const pattern of [
      'a*',
      '*a',
      'a#',
      '#a',
      '**',
      '##',
      '*#',
      'a.*b.c',
      'agent.#x',
      'a.b#',
    ]) {
      expect(reason(checkPattern(pattern))).toMatch(
        /mixes "[*#]" with other characters; "\*" and "#" must be whole segments$/,
      );
      expect(isValidPattern(pattern)).toBe(false);
    }
    expect(reason(checkPattern('agent.*x.status'))).toBe(
      'pattern segment 2 ("*x") mixes "*" with other characters; "*" and "#" must be whole segments',
    );
  });

  it('applies the topic rules to literal segments', () => {
    expect(reason(checkPattern(''))).toBe('pattern must not be empty');
    expect(reason(checkPattern('a..#'))).toBe('pattern segment 2 is empty');
    expect(reason(checkPattern('#.'))).toBe('pattern segment 2 is empty');
    expect(reason(checkPattern('a b.#'))).toBe(
      'pattern segment 1 ("a b") contains whitespace (U+0020)',
    );
    expect(reason(checkPattern('*.\u0007'))).toMatch(/control character/);
    expect(reason(checkPattern('*.\ud800'))).toMatch(/unpaired surrogate/);
  });

  it('accepts every valid topic as a pattern', () => {
    for (const topic of ['a', 'agent.42.status', 'café.日本.😀', segments(32)]) {
      expect(isValidTopic(topic)).toBe(true);
      expect(isValidPattern(topic)).toBe(true);
    }
  });
});

describe('isWildcardPattern', () => {
  it('is true only when a whole segment is a wildcard', () => {
    expect(isWildcardPattern('agent.*.status')).toBe(true);
    expect(isWildcardPattern('#')).toBe(true);
    expect(isWildcardPattern('a.#')).toBe(true);
    expect(isWildcardPattern('agent.42.status')).toBe(false);
    expect(isWildcardPattern('a*')).toBe(false);
  });
});

describe('assertTopic and assertPattern', () => {
  it('throw SwitchboardError with INVALID_TOPIC and the reason', () => {
    expect(() => assertTopic('agent.42.status')).not.toThrow();
    try {
      assertTopic('agent..status');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SwitchboardError);
      expect((error as SwitchboardError).code).toBe(ErrorCode.INVALID_TOPIC);
      expect((error as SwitchboardError).message).toBe('Invalid topic: topic segment 2 is empty');
      expect((error as SwitchboardError).details).toEqual({ field: 'topic' });
    }
  });

  it('throw SwitchboardError with INVALID_PATTERN and the reason', () => {
    expect(() => assertPattern('agent.#')).not.toThrow();
    try {
      assertPattern('agent.a*');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SwitchboardError);
      expect((error as SwitchboardError).code).toBe(ErrorCode.INVALID_PATTERN);
      expect((error as SwitchboardError).message).toMatch(/^Invalid pattern: pattern segment 2/);
      expect((error as SwitchboardError).details).toEqual({ field: 'pattern' });
    }
    expect(() => assertPattern(42)).toThrow('Invalid pattern: pattern must be a string');
  });
});
