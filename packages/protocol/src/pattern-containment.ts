/**
 * Pattern containment: does every topic matched by `inner` also match `outer`?
 * Authorizes wildcard subscriptions by what they could match, not by their text.
 *
 * The shapes ACLs usually take are decided exactly in linear time: identical patterns, `#`,
 * an outer pattern without `#`, and a literal prefix followed by `#` (`agent.7.#`). Anything
 * else goes to the bounded search in `containment-search.ts`, which is exact too and visits
 * at most CONTAINMENT_WORK_BUDGET states; past that the answer is `too-complex`, and
 * authorization refuses. Random patterns up to the protocol's limits need at most ~800
 * states (0.8 million pairs sampled); only an outer pattern with a `#`, a literal and a run
 * of `*` at both ends (`#.y.*.*.*.#.*.*.*.y.#`), probed by an inner pattern with many `#`,
 * comes near the budget.
 */
import { MAX_OUTER_SEGMENTS, searchContainment } from './containment-search.ts';
import { patternSegments } from './topic-match.ts';

export type Containment = 'contained' | 'not-contained' | 'too-complex';

/**
 * States the general search may visit for one (outer, inner) pair before answering
 * `too-complex`, both directions together: 1.3-2.5 ms of CPU where it was measured (a state
 * is a few bit operations and a map lookup), 16 times the most random patterns needed.
 */
export const CONTAINMENT_WORK_BUDGET = 8192;

/** Decides containment, or says it would take more than CONTAINMENT_WORK_BUDGET states. */
export function checkContainment(outer: string, inner: string): Containment {
  if (outer === inner || outer === '#') return 'contained';
  const a = patternSegments(outer);
  const p = patternSegments(inner);
  const hashAt = a.indexOf('#');
  if (hashAt === -1) return verdict(containedInFixedLength(a, p));
  if (hashAt === a.length - 1 && a.every((s, i) => i === hashAt || s !== '*')) {
    return verdict(containedInPrefix(a, p));
  }
  if (a.join('.') === p.join('.')) return 'contained'; // equal once runs of `#` collapse
  // Validated patterns never exceed the limit; refuse rather than decide past it.
  if (a.length > MAX_OUTER_SEGMENTS) return 'too-complex';
  return searchContainment(a, p, CONTAINMENT_WORK_BUDGET).outcome;
}

const verdict = (contained: boolean): Containment => (contained ? 'contained' : 'not-contained');

/**
 * Outer without `#` matches topics of exactly its length, so the inner one must have that
 * length and no `#`, and each outer literal must face the same literal.
 */
function containedInFixedLength(outer: readonly string[], inner: readonly string[]): boolean {
  if (inner.length !== outer.length || inner.includes('#')) return false;
  return outer.every((segment, i) => segment === '*' || segment === inner[i]);
}

/**
 * Outer `l1...lk.#` matches the topics starting with those k literals, so the inner pattern
 * must start with exactly them: a wildcard (or another literal, or the end) at one of the
 * first k positions lets some topic start differently.
 */
function containedInPrefix(outer: readonly string[], inner: readonly string[]): boolean {
  for (let i = 0; i < outer.length - 1; i++) if (inner[i] !== outer[i]) return false;
  return true;
}

/** True when every topic `inner` matches also matches `outer`; false when not or too complex. */
export function patternContains(outer: string, inner: string): boolean {
  return checkContainment(outer, inner) === 'contained';
}

export type PatternAuthorization = { ok: true } | { ok: false; reason: 'outside' | 'too-complex' };

/**
 * Whether some allowed pattern covers every topic `pattern` could match (no list: anything
 * goes). `too-complex` when none covers it and at least one could not be decided within the
 * budget; the hub answers that with PATTERN_TOO_COMPLEX rather than FORBIDDEN.
 */
export function authorizePattern(
  allowed: readonly string[] | undefined,
  pattern: string,
): PatternAuthorization {
  if (allowed === undefined) return { ok: true };
  let undecided = false;
  for (const outer of allowed) {
    const outcome = checkContainment(outer, pattern);
    if (outcome === 'contained') return { ok: true };
    if (outcome === 'too-complex') undecided = true;
  }
  return { ok: false, reason: undecided ? 'too-complex' : 'outside' };
}

/** True when some allowed pattern covers every topic `pattern` could match. */
export function isPatternAllowed(allowed: readonly string[] | undefined, pattern: string): boolean {
  return authorizePattern(allowed, pattern).ok;
}
