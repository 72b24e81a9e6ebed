import { ErrorCode, SwitchboardError } from './errors.ts';

/** Limits on topics and patterns (docs/design.md, "Topics and patterns"). */
export const TOPIC_LIMITS = {
  maxBytes: 255,
  maxSegments: 32,
} as const;

export const SINGLE_WILDCARD = '*';
export const MULTI_WILDCARD = '#';

// Whitespace, C0/C1 controls, lone surrogates, the separator and both wildcards. A lone
// surrogate is not representable in UTF-8: encoders replace it with U+FFFD, so two different
// topics would become the same one after a trip through any byte-oriented engine.
const FORBIDDEN_IN_SEGMENT = /[\s\p{Cc}\p{Cs}.*#]/u;

export type TopicCheck = { ok: true } | { ok: false; reason: string };

const encoder = new TextEncoder();

function checkShape(value: unknown, what: string): TopicCheck | string[] {
  if (typeof value !== 'string') return { ok: false, reason: `${what} must be a string` };
  if (value.length === 0) return { ok: false, reason: `${what} must not be empty` };
  // UTF-8 takes one to three bytes per UTF-16 unit, so only mid-length strings need encoding
  // (most topics are short: no allocation on the publish path).
  if (
    value.length > TOPIC_LIMITS.maxBytes ||
    (value.length * 3 > TOPIC_LIMITS.maxBytes &&
      encoder.encode(value).length > TOPIC_LIMITS.maxBytes)
  ) {
    return { ok: false, reason: `${what} is longer than ${TOPIC_LIMITS.maxBytes} bytes` };
  }
  const segments = value.split('.');
  if (segments.length > TOPIC_LIMITS.maxSegments) {
    return { ok: false, reason: `${what} has more than ${TOPIC_LIMITS.maxSegments} segments` };
  }
  return segments;
}

function checkLiteralSegment(segment: string, index: number, what: string): TopicCheck {
  if (segment.length === 0) return { ok: false, reason: `${what} segment ${index + 1} is empty` };
  const bad = FORBIDDEN_IN_SEGMENT.exec(segment)?.[0];
  if (bad === undefined) return { ok: true };
  const where = `${what} segment ${index + 1} (${JSON.stringify(segment)})`;
  if (bad === SINGLE_WILDCARD || bad === MULTI_WILDCARD) {
    return {
      ok: false,
      reason:
        what === 'pattern'
          ? `${where} mixes "${bad}" with other characters; "*" and "#" must be whole segments`
          : `${where} contains "${bad}"; wildcards are allowed only in subscription patterns`,
    };
  }
  const hex = bad.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  const kind = /\s/.test(bad)
    ? 'whitespace'
    : /\p{Cs}/u.test(bad)
      ? 'an unpaired surrogate'
      : 'a control character';
  return { ok: false, reason: `${where} contains ${kind} (U+${hex})` };
}

const DOT = 0x2e;
const STAR = 0x2a;
const HASH = 0x23;

/** Whitespace (`\s`) outside ASCII and Latin-1: the Unicode space separators, LS, PS, BOM. */
function isWideSpace(unit: number): boolean {
  return (
    unit === 0x1680 ||
    (unit >= 0x2000 && unit <= 0x200a) ||
    unit === 0x2028 ||
    unit === 0x2029 ||
    unit === 0x202f ||
    unit === 0x205f ||
    unit === 0x3000 ||
    unit === 0xfeff
  );
}

/**
 * True when `value` passes every rule below (with `wildcards`, `*` and `#` as whole segments):
 * one pass over the UTF-16 units, counting UTF-8 bytes and segments on the way, without
 * splitting or a regular expression per segment. It is on the publish path twice (the frame's
 * parse and the engine's append). Only its yes is used: a refusal is explained by the checks
 * below, so the reasons and the order they are found in stay those of the rules.
 */
function passes(value: string, wildcards: boolean): boolean {
  const length = value.length;
  if (length === 0 || length > TOPIC_LIMITS.maxBytes) return false;
  let bytes = length;
  let segments = 1;
  let start = 0;
  for (let i = 0; i < length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) {
      // Controls, space and DEL are refused; of the printable rest, '.', '*' and '#' matter.
      if (unit <= 0x20 || unit === 0x7f) return false;
      if (unit === DOT) {
        if (i === start || ++segments > TOPIC_LIMITS.maxSegments) return false;
        start = i + 1;
      } else if (unit === STAR || unit === HASH) {
        if (!wildcards || i !== start || (i + 1 < length && value.charCodeAt(i + 1) !== DOT)) {
          return false;
        }
      }
    } else if (unit < 0x800) {
      // C1 controls (U+0080..U+009F) and the no-break space (U+00A0).
      if (unit <= 0xa0) return false;
      bytes += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      // Only a high surrogate followed by a low one: a code point of four UTF-8 bytes.
      if (unit >= 0xdc00) return false;
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
      bytes += 2;
    } else {
      if (isWideSpace(unit)) return false;
      bytes += 2;
    }
  }
  return start < length && bytes <= TOPIC_LIMITS.maxBytes;
}

/** Checks a concrete topic such as `agent.42.status`. */
export function checkTopic(topic: unknown): TopicCheck {
  if (typeof topic === 'string' && passes(topic, false)) return { ok: true };
  return checkTopicByRules(topic);
}

/** Checks a subscription pattern: literal segments, `*` (one segment) and `#` (zero or more). */
export function checkPattern(pattern: unknown): TopicCheck {
  if (typeof pattern === 'string' && passes(pattern, true)) return { ok: true };
  return checkPatternByRules(pattern);
}

/**
 * @internal
 * `checkTopic` rule by rule (split, a regular expression per segment): what explains a
 * refusal, and what the one-pass check must agree with (topic.equivalence.test.ts).
 */
export function checkTopicByRules(topic: unknown): TopicCheck {
  const shape = checkShape(topic, 'topic');
  if (!Array.isArray(shape)) return shape;
  for (let i = 0; i < shape.length; i++) {
    const check = checkLiteralSegment(shape[i]!, i, 'topic');
    if (!check.ok) return check;
  }
  return { ok: true };
}

/** @internal `checkPattern` rule by rule (see `checkTopicByRules`). */
export function checkPatternByRules(pattern: unknown): TopicCheck {
  const shape = checkShape(pattern, 'pattern');
  if (!Array.isArray(shape)) return shape;
  for (let i = 0; i < shape.length; i++) {
    const segment = shape[i]!;
    if (segment === SINGLE_WILDCARD || segment === MULTI_WILDCARD) continue;
    const check = checkLiteralSegment(segment, i, 'pattern');
    if (!check.ok) return check;
  }
  return { ok: true };
}

export function isValidTopic(topic: unknown): topic is string {
  return checkTopic(topic).ok;
}

export function isValidPattern(pattern: unknown): pattern is string {
  return checkPattern(pattern).ok;
}

/** True when the pattern contains `*` or `#`. */
export function isWildcardPattern(pattern: string): boolean {
  return pattern.split('.').some((s) => s === SINGLE_WILDCARD || s === MULTI_WILDCARD);
}

/** Throws INVALID_TOPIC unless `topic` is a valid concrete topic. */
export function assertTopic(topic: unknown): asserts topic is string {
  const check = checkTopic(topic);
  if (!check.ok) {
    throw new SwitchboardError(ErrorCode.INVALID_TOPIC, `Invalid topic: ${check.reason}`, {
      details: { field: 'topic' },
    });
  }
}

/** Throws INVALID_PATTERN unless `pattern` is a valid subscription pattern. */
export function assertPattern(pattern: unknown): asserts pattern is string {
  const check = checkPattern(pattern);
  if (!check.ok) {
    throw new SwitchboardError(ErrorCode.INVALID_PATTERN, `Invalid pattern: ${check.reason}`, {
      details: { field: 'pattern' },
    });
  }
}
