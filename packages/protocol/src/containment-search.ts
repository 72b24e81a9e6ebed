/**
 * The general containment decision behind `checkContainment`: is every topic matched by the
 * inner pattern also matched by the outer one? Exact, with a cap on the work.
 *
 * The inner pattern stays a nondeterministic automaton (one position at a time); only the
 * outer one is determinized, lazily, as a bit set of its positions. A search state is
 * (inner position, outer positions alive) after reading some topic prefix.
 *
 * Only the inner pattern's choices branch, never the alphabet: a segment consumed by an
 * inner `*` or `#` is read as a segment no outer literal names ("other"). That loses
 * nothing, because "other" keeps the fewest outer positions alive: it advances only the
 * outer `*` and `#`, which every segment advances, so the outer positions after a word are a
 * superset of those after the same word with such segments replaced by "other" (and the
 * inner pattern still matches it along the same path). If some topic of the inner pattern
 * escapes the outer one, so does that rewritten topic; the search looks at those only.
 *
 * Hence an inner pattern without `#` is one path (n + 1 states), and one with a single `#`
 * costs O(n x m): the outer positions after a run of "other" settle within m steps. Each
 * further inner `#` can multiply the states by up to m + 2 when the outer pattern has a `#`
 * followed by a literal and `*` (`#.x.*.*.*` read forwards has 2^k deterministic states).
 * Read backwards that pattern is `*.*.*.x.#`, which is cheap, so the search runs both ways in
 * turns and takes the first answer. Some pairs stay expensive both ways: the general problem
 * is coNP-hard (inclusion of regular expressions built from literals, "any symbol" and "any
 * word"), so no exact method avoids that. The search counts the states it visits and gives
 * up with `too-complex` past the budget.
 */

/** What the search decided, and how many states it visited to decide it. */
export interface ContainmentSearch {
  outcome: 'contained' | 'not-contained' | 'too-complex';
  /** Search states visited, both directions together (each a few bit operations). */
  explored: number;
  /** For `not-contained`: a topic the inner pattern matches and the outer one does not. */
  witness?: string;
}

/**
 * The outer positions alive fit one unsigned 32-bit word: bit i stands for position i + 1
 * (position 32, the end of a 32-segment pattern, is bit 31). Position 0 needs no bit: after
 * the first segment it is alive exactly when the pattern starts with `#`, for ever.
 */
export const MAX_OUTER_SEGMENTS = 32;

/** The `from` of a state reached by the first segment. */
const START = -1;

/** Each direction first gets this many states, then twice as many per turn. */
const FIRST_TURN = 64;

interface OuterAutomaton {
  hash: number;
  star: number;
  literal: Map<string, number>;
  accept: number;
  first: string;
}

function compileOuter(outer: readonly string[]): OuterAutomaton {
  let hash = 0;
  let star = 0;
  const literal = new Map<string, number>();
  for (let position = 1; position < outer.length; position++) {
    const bit = 1 << (position - 1);
    const segment = outer[position]!;
    if (segment === '#') hash |= bit;
    else if (segment === '*') star |= bit;
    else literal.set(segment, (literal.get(segment) ?? 0) | bit);
  }
  return { hash, star, literal, accept: 1 << (outer.length - 1), first: outer[0]! };
}

/**
 * The outer positions alive after reading one segment. `advances` are the positions that
 * segment moves past (the `*` and its literal); `firstAdvances` says it moves past position
 * 0, which only matters for the first segment (`fromStart`) of a pattern not starting with
 * `#`.
 */
function read(
  outer: OuterAutomaton,
  alive: number,
  advances: number,
  firstAdvances: boolean,
  fromStart: boolean,
): number {
  let next = (alive & outer.hash) | ((alive & advances) << 1);
  if (outer.first === '#' || (fromStart && firstAdvances)) next |= 1;
  // `#` may match nothing, so the position after a live `#` is live too (one shift: runs of
  // `#` are collapsed).
  return (next | ((next & outer.hash) << 1)) >>> 0;
}

const isWildcard = (segment: string) => segment === '*' || segment === '#';

/** One direction of the search, resumable: `run` continues where the last call stopped. */
class OneWaySearch {
  readonly #outer: readonly string[];
  readonly #inner: readonly string[];
  readonly #automaton: OuterAutomaton;
  readonly #advances: number[];
  readonly #firstAdvances: boolean[];
  readonly #width: number;
  // Visited states (alive x width + position), each mapped to the state it was first reached
  // from, for the witness.
  readonly #parent = new Map<number, number>();
  // Pending states as flat triples (position, alive, from): no allocation per state.
  readonly #stack: number[] = [];
  #found: number | undefined;

  constructor(outer: readonly string[], inner: readonly string[]) {
    this.#outer = outer;
    this.#inner = inner;
    const automaton = compileOuter(outer);
    this.#automaton = automaton;
    // What reading each inner position's segment does to the outer pattern: a literal is
    // itself, a wildcard reads "other".
    this.#advances = inner.map((segment) =>
      isWildcard(segment) ? automaton.star : automaton.star | (automaton.literal.get(segment) ?? 0),
    );
    this.#firstAdvances = inner.map(
      (segment) => automaton.first === '*' || (!isWildcard(segment) && segment === automaton.first),
    );
    this.#width = inner.length + 1;
    // The empty prefix is never a topic: the search starts after the first segment.
    const start = automaton.first === '#' ? 1 : 0;
    this.#pushRead(0, start, START);
    if (inner[0] === '#') this.#pushRead(1, start, START);
  }

  get explored(): number {
    return this.#parent.size;
  }

  /** Visits states until decided or `limit` states are visited; undefined while undecided. */
  run(limit: number): 'contained' | 'not-contained' | undefined {
    if (this.#found !== undefined) return 'not-contained';
    const n = this.#inner.length;
    const stack = this.#stack;
    const parent = this.#parent;
    while (stack.length > 0) {
      if (parent.size >= limit) return undefined;
      const from = stack.pop()!;
      const alive = stack.pop()!;
      const position = stack.pop()!;
      const key = alive * this.#width + position;
      if (parent.has(key)) continue;
      parent.set(key, from);
      // With no outer position alive, any way of finishing the inner pattern escapes; at the
      // inner pattern's end the topic read so far escapes unless the outer one accepts it.
      // (A leading outer `#` keeps bit 0 set, so `alive` is 0 only when nothing is.)
      if (alive === 0 || (position === n && (alive & this.#automaton.accept) === 0)) {
        this.#found = key;
        return 'not-contained';
      }
      this.#pushRead(position, alive, key);
      // Pushed last, so popped first: the search tries the shortest completion before making
      // a `#` absorb more segments.
      if (this.#inner[position] === '#') stack.push(position + 1, alive, key);
    }
    return 'contained';
  }

  #pushRead(position: number, alive: number, from: number): void {
    if (position === this.#inner.length) return;
    const next = read(
      this.#automaton,
      alive,
      this.#advances[position]!,
      this.#firstAdvances[position]!,
      from === START,
    );
    this.#stack.push(this.#inner[position] === '#' ? position : position + 1, next, from);
  }

  /** After `not-contained`: the escaping topic, segments in this search's reading order. */
  witness(): string[] {
    const inner = this.#inner;
    const width = this.#width;
    const named = new Set([...this.#outer, ...inner]);
    let other = 'other';
    while (named.has(other)) other += '_';
    const segmentAt = (position: number) =>
      isWildcard(inner[position]!) ? other : inner[position]!;
    const last = this.#found!;

    // Built backwards: first the shortest way to finish the inner pattern (each `#` empty)...
    const segments: string[] = [];
    for (let position = inner.length - 1; position >= last % width; position--) {
      if (inner[position] !== '#') segments.push(segmentAt(position));
    }
    // ...then the moves that led here. A `#` that stays put read one "other"; one left behind
    // read nothing. The first move started at position 0, or at 1 past a leading `#`.
    for (let key = last; key !== START; key = this.#parent.get(key)!) {
      const to = key % width;
      const from = this.#parent.get(key)!;
      const at = from === START ? Math.max(to - 1, 0) : from % width;
      if (at === to || inner[at] !== '#') segments.push(segmentAt(at));
    }
    return segments.reverse();
  }
}

/**
 * Decides whether `inner` is contained in `outer` (both as segments with runs of `#`
 * collapsed, see `patternSegments`; `outer` at most MAX_OUTER_SEGMENTS long), visiting at
 * most `budget` states. Forwards and backwards take turns with doubling allowances, so the
 * cheaper direction decides at no more than about three times its own cost.
 */
export function searchContainment(
  outer: readonly string[],
  inner: readonly string[],
  budget: number,
): ContainmentSearch {
  if (outer.length > MAX_OUTER_SEGMENTS) throw new RangeError('outer pattern too long');
  const forward = new OneWaySearch(outer, inner);
  const backward = new OneWaySearch([...outer].reverse(), [...inner].reverse());
  const explored = () => forward.explored + backward.explored;
  const half = Math.floor(budget / 2);
  for (let allowance = Math.min(FIRST_TURN, half); ; allowance = Math.min(allowance * 2, half)) {
    for (const search of [forward, backward]) {
      const outcome = search.run(allowance);
      if (outcome === 'contained') return { outcome, explored: explored() };
      if (outcome === 'not-contained') {
        const segments = search.witness();
        if (search === backward) segments.reverse();
        return { outcome, explored: explored(), witness: segments.join('.') };
      }
    }
    if (allowance === half) return { outcome: 'too-complex', explored: explored() };
  }
}
