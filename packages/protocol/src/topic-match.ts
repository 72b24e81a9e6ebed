/**
 * Topic matching with RabbitMQ topic-exchange semantics: `*` is exactly one segment, `#` is
 * zero or more segments in any position (`agent.#` matches `agent`, `#.*` matches any topic).
 *
 * Nothing here validates: topics and patterns are checked once at the edge (`assertTopic`,
 * `assertPattern` in `@switchboard/protocol`), not on every match.
 */

const SEPARATOR = '.';
const STAR = '*';
const HASH = '#';

/**
 * Splits a pattern into segments and collapses runs of `#`: `a.#.#.b` and `a.#.b` match the
 * same topics, and a run of k `#` would otherwise multiply the ways a topic can be aligned.
 */
export function patternSegments(pattern: string): string[] {
  const raw = pattern.split(SEPARATOR);
  const out: string[] = [];
  for (const segment of raw) {
    if (segment === HASH && out[out.length - 1] === HASH) continue;
    out.push(segment);
  }
  return out;
}

/** The pattern with runs of `#` collapsed; equal strings match exactly the same topics. */
export function normalizePattern(pattern: string): string {
  // Keep the caller's string when there is no run: indexes then hold one copy, not two.
  return pattern.includes('#.#') ? patternSegments(pattern).join(SEPARATOR) : pattern;
}

function hasWildcard(pattern: string): boolean {
  return pattern.includes(STAR) || pattern.includes(HASH);
}

// Scratch row reused across calls: matching is synchronous and never re-enters itself.
let scratch = new Uint8Array(34);

/**
 * Dynamic programming over (pattern prefix, topic prefix), one topic segment at a time:
 * O(pattern segments x topic segments) whatever the number of `#`, with no backtracking.
 */
export function matchSegments(pattern: readonly string[], topic: readonly string[]): boolean {
  const p = pattern.length;
  if (scratch.length < p + 1) scratch = new Uint8Array(p + 1);
  // row[i] = 1 when the first i pattern segments match the topic segments consumed so far.
  const row = scratch;
  row[0] = 1;
  for (let i = 0; i < p; i++) row[i + 1] = pattern[i] === HASH ? row[i]! : 0;

  for (const segment of topic) {
    let previous = row[0]!;
    row[0] = 0;
    let any = 0;
    for (let i = 0; i < p; i++) {
      const old = row[i + 1]!;
      const token = pattern[i];
      let value: number;
      if (token === HASH) {
        // `#` stops here having matched nothing more (row[i], already this column) or it
        // absorbs this segment too (old: it had matched up to the previous segment).
        value = row[i]! | old;
      } else {
        value = token === STAR || token === segment ? previous : 0;
      }
      previous = old;
      row[i + 1] = value;
      any |= value;
    }
    if (any === 0) return false;
  }
  return row[p] === 1;
}

/** True when `topic` matches `pattern` (RabbitMQ topic-exchange semantics). */
export function matches(pattern: string, topic: string): boolean {
  if (pattern === topic || pattern === HASH) return true;
  if (!hasWildcard(pattern)) return false;
  return matchSegments(patternSegments(pattern), topic.split(SEPARATOR));
}

/** A pattern prepared once for testing many topics, e.g. while replaying history. */
export type TopicMatcher = (topic: string) => boolean;

/**
 * Compiles a pattern into a matcher with fast paths for the shapes subscriptions usually
 * take: `#`, an exact topic, and a literal prefix followed by `#` (`task.42.#`).
 */
export function compilePattern(pattern: string): TopicMatcher {
  if (pattern === HASH) return () => true;
  if (!hasWildcard(pattern)) return (topic) => topic === pattern;
  const segments = patternSegments(pattern);
  const last = segments.length - 1;
  if (last === 0 && segments[0] === HASH) return () => true;
  const prefixOnly =
    segments[last] === HASH && segments.every((s, i) => i === last || (s !== STAR && s !== HASH));
  if (prefixOnly) {
    const exact = segments.slice(0, last).join(SEPARATOR);
    const prefix = exact + SEPARATOR;
    return (topic) => topic === exact || topic.startsWith(prefix);
  }
  return (topic) => matchSegments(segments, topic.split(SEPARATOR));
}
