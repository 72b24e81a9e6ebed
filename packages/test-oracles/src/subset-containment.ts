/**
 * Oracle for pattern containment: the hub's first algorithm, kept verbatim except for a
 * counter. It determinizes both patterns and walks pairs of state sets over the named
 * literals plus one "other" symbol: exact, simple, and exponential in the number of `*`
 * after a `#` in either pattern (`agent.7.#.x.*.*.*…` doubles its work with every `*`), so
 * callers pass a pair limit and get `undefined` when it is reached.
 */
const OTHER = Symbol('other segment');
type SegmentSymbol = string | typeof OTHER;

function closure(segments: readonly string[], states: Iterable<number>): Set<number> {
  const out = new Set<number>();
  for (let state of states) {
    out.add(state);
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

export interface SubsetContainment {
  /** The answer, or `undefined` when the walk reached `maxPairs` first. */
  contained: boolean | undefined;
  /** Pairs of state sets visited. */
  pairs: number;
}

/** Does every topic `inner` matches also match `outer`? The subset-pair walk. */
export function subsetContainment(
  outer: string,
  inner: string,
  maxPairs = Number.POSITIVE_INFINITY,
): SubsetContainment {
  if (outer === inner || outer === '#') return { contained: true, pairs: 0 };
  const a = outer.split('.');
  const p = inner.split('.');
  const alphabet: SegmentSymbol[] = [OTHER];
  for (const segment of new Set([...a, ...p])) {
    if (segment !== '*' && segment !== '#') alphabet.push(segment);
  }
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
    if (seen.size >= maxPairs) return { contained: undefined, pairs: seen.size };
    seen.add(pairKey);
    if (innerStates.has(p.length) && !outerStates.has(a.length)) {
      return { contained: false, pairs: seen.size };
    }
    expand(pair);
  }
  return { contained: true, pairs: seen.size };
}
