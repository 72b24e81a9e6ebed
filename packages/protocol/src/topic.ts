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

/** Checks a concrete topic such as `agent.42.status`. */
export function checkTopic(topic: unknown): TopicCheck {
  const shape = checkShape(topic, 'topic');
  if (!Array.isArray(shape)) return shape;
  for (let i = 0; i < shape.length; i++) {
    const check = checkLiteralSegment(shape[i]!, i, 'topic');
    if (!check.ok) return check;
  }
  return { ok: true };
}

/** Checks a subscription pattern: literal segments, `*` (one segment) and `#` (zero or more). */
export function checkPattern(pattern: unknown): TopicCheck {
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
