/**
 * Pattern containment: does every topic matched by `inner` also match `outer`?
 * Authorizes wildcard subscriptions by what they could match, not by their text.
 *
 * Each pattern is a small NFA over segments (literal: one exact segment, `*`: any one
 * segment, `#`: any run). Every segment not named in either pattern behaves alike, so the
 * alphabet is the named literals plus one "other" symbol, and a breadth-first walk over
 * pairs of state sets decides containment exactly. Patterns have at most 32 segments.
 */
const OTHER = Symbol('other segment');
type SegmentSymbol = string | typeof OTHER;

function closure(segments: readonly string[], states: Iterable<number>): Set<number> {
  const out = new Set<number>();
  for (let state of states) {
    out.add(state);
    // `#` may match zero segments: the state after it is reachable for free.
    while (segments[state] === '#') {
      state += 1;
      out.add(state);
    }
  }
  return out;
}

function step(
  segments: readonly string[],
  states: Set<number>,
  symbol: SegmentSymbol,
): Set<number> {
  const next: number[] = [];
  for (const state of states) {
    const segment = segments[state];
    if (segment === undefined) continue;
    if (segment === '#') next.push(state);
    else if (segment === '*' || segment === symbol) next.push(state + 1);
  }
  return closure(segments, next);
}

const key = (states: Set<number>): string => [...states].sort((x, y) => x - y).join(',');

export function patternContains(outer: string, inner: string): boolean {
  if (outer === inner || outer === '#') return true;
  const a = outer.split('.');
  const p = inner.split('.');
  const alphabet: SegmentSymbol[] = [OTHER];
  for (const segment of new Set([...a, ...p])) {
    if (segment !== '*' && segment !== '#') alphabet.push(segment);
  }
  // Topics have at least one segment, so the empty word is not checked: the walk starts
  // from the pairs reached after the first segment.
  const start: [Set<number>, Set<number>] = [closure(p, [0]), closure(a, [0])];
  const seen = new Set<string>();
  const queue: [Set<number>, Set<number>][] = [];
  const expand = ([innerStates, outerStates]: [Set<number>, Set<number>]) => {
    for (const symbol of alphabet) {
      const nextInner = step(p, innerStates, symbol);
      if (nextInner.size > 0) queue.push([nextInner, step(a, outerStates, symbol)]);
    }
  };
  expand(start);
  while (queue.length > 0) {
    const pair = queue.pop()!;
    const [innerStates, outerStates] = pair;
    const pairKey = `${key(innerStates)}|${key(outerStates)}`;
    if (seen.has(pairKey)) continue;
    seen.add(pairKey);
    if (innerStates.has(p.length) && !outerStates.has(a.length)) return false;
    expand(pair);
  }
  return true;
}

/** True when some allowed pattern covers every topic `pattern` could match. */
export function isPatternAllowed(allowed: readonly string[] | undefined, pattern: string): boolean {
  if (allowed === undefined) return true;
  return allowed.some((outer) => patternContains(outer, pattern));
}
