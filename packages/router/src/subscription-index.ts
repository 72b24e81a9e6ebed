import { assertPattern, normalizePattern, TypedEmitter } from '@switchboard/protocol';
import type { Interest, InterestEvents } from './engine.ts';
import { HASH, STAR, TrieNode } from './trie-node.ts';

/** A pattern without wildcards matches one topic, itself (wildcards are whole segments). */
function isExact(pattern: string): boolean {
  return !pattern.includes(STAR) && !pattern.includes(HASH);
}

/**
 * Subscriptions in a trie over pattern segments, as RabbitMQ, NATS and Mosquitto route:
 * each node has literal children, a `*` child and a `#` child. Matching walks only the
 * branches a topic can take, so its cost depends on the topic and on the subscriptions
 * that match it, not on how many subscriptions exist.
 *
 * Patterns are stored with runs of `#` collapsed (`a.#.#` lives on the `a.#` node, under
 * its own spelling), so a `#` node never has a `#` child. Patterns without wildcards (a
 * per-agent `agent.7.status`) are kept apart, by topic: a match looks them up once with the
 * whole topic instead of walking down their segments, and the trie holds only patterns with
 * wildcards.
 *
 * It is also the `Interest` a server hands its engine: `pattern-added` fires when a pattern
 * string gets its first subscriber, `pattern-removed` after its last one left.
 */
export class SubscriptionIndex<S> extends TypedEmitter<InterestEvents> implements Interest {
  #root = new TrieNode<S>();
  /** Patterns without wildcards, each on a node of its own outside the trie. */
  readonly #exact = new Map<string, TrieNode<S>>();
  #size = 0;
  #patternCount = 0;
  #nodeCount = 1;
  #stamp = 0;

  /** Number of (pattern, subscriber) pairs. */
  get size(): number {
    return this.#size;
  }

  /** Number of distinct pattern strings with at least one subscriber. */
  get patternCount(): number {
    return this.#patternCount;
  }

  /**
   * Nodes allocated (trie nodes, root included, and those of patterns without wildcards):
   * shows that removals prune what they leave empty.
   */
  get nodeCount(): number {
    return this.#nodeCount;
  }

  /**
   * Binds `subscriber` to `pattern`. Returns false when the pair already existed.
   * @throws SwitchboardError `INVALID_PATTERN` when the pattern is not valid.
   */
  add(pattern: string, subscriber: S): boolean {
    assertPattern(pattern);
    const normalized = normalizePattern(pattern);
    const node = isExact(normalized) ? this.#exactNode(normalized) : this.#trieNode(normalized);
    node.pattern ??= normalized;
    const set = node.binding(pattern, true)!;
    if (!set.add(subscriber)) return false;
    this.#size++;
    if (set.size === 1) {
      this.#patternCount++;
      this.emit('pattern-added', pattern);
    }
    return true;
  }

  /**
   * Unbinds the pair and prunes the trie nodes it leaves empty. Returns false when the pair
   * was not bound (an invalid pattern never is).
   */
  remove(pattern: string, subscriber: S): boolean {
    if (isExact(pattern)) {
      const node = this.#exact.get(pattern);
      const set = node?.binding(pattern, false);
      if (set === undefined || !set.delete(subscriber)) return false;
      this.#size--;
      if (set.size === 0) {
        this.#patternCount--;
        this.#exact.delete(pattern);
        this.#nodeCount--;
        this.emit('pattern-removed', pattern);
      }
      return true;
    }
    const segments = normalizePattern(pattern).split('.');
    const path = this.#path(segments);
    if (path === undefined) return false;
    const node = path[path.length - 1]!;
    const set = node.binding(pattern, false);
    if (set === undefined || !set.delete(subscriber)) return false;
    this.#size--;
    if (set.size === 0) {
      this.#patternCount--;
      node.dropBinding(pattern);
      this.#prune(path, segments);
      this.emit('pattern-removed', pattern);
    }
    return true;
  }

  /** True when `subscriber` is bound to exactly this pattern string. */
  has(pattern: string, subscriber: S): boolean {
    if (isExact(pattern))
      return this.#exact.get(pattern)?.binding(pattern, false)?.has(subscriber) ?? false;
    const node = this.#path(normalizePattern(pattern).split('.'))?.at(-1);
    return node?.binding(pattern, false)?.has(subscriber) ?? false;
  }

  /** Every distinct pattern string with at least one subscriber. */
  *patterns(): IterableIterator<string> {
    yield* this.#exact.keys();
    const stack: TrieNode<S>[] = [this.#root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.subscribers !== undefined) yield node.pattern!;
      if (node.aliases !== undefined) yield* node.aliases.keys();
      stack.push(...node.children());
    }
  }

  /** Subscribers of every pattern that matches `topic`, each once. */
  match(topic: string): Set<S> {
    const out = new Set<S>();
    const add = (subscriber: S) => out.add(subscriber);
    for (const node of this.#collect(topic)) node.forEachBinding(add);
    return out;
  }

  /**
   * Calls `fn` once per matching (subscriber, pattern) pair without building a set, for the
   * fan-out path: a subscriber bound with several matching patterns is called once per
   * pattern. The trie walk is over before the first call, so `fn` may change subscriptions.
   */
  forEachMatch(topic: string, fn: (subscriber: S, pattern: string) => void): void {
    for (const node of this.#collect(topic)) node.forEachBinding(fn);
  }

  /** Number of distinct subscribers `match(topic)` would return. */
  matchCount(topic: string): number {
    const nodes = this.#collect(topic);
    if (nodes.length === 0) return 0;
    const only = nodes[0]!;
    // A single matching pattern cannot count a subscriber twice: no set needed.
    if (nodes.length === 1 && only.aliases === undefined) return only.subscribers!.size;
    return this.match(topic).size;
  }

  /**
   * True when at least one subscription matches `topic` (the engine's `Interest`). The walk
   * stops at the first node with subscribers instead of collecting every match.
   */
  hasMatch(topic: string): boolean {
    if (this.#exact.has(topic)) return true;
    if (this.#root.isEmpty()) return false;
    const segments = topic.split('.');
    this.#stamp = this.#stamp >= 0x3fffffff ? 1 : this.#stamp + 1;
    return this.#any(this.#root, segments, 0);
  }

  /** Removes every subscription (each pattern's `pattern-removed` fires afterwards). */
  clear(): void {
    const removed = this.listenerCount('pattern-removed') > 0 ? [...this.patterns()] : [];
    this.#root = new TrieNode<S>();
    this.#exact.clear();
    this.#size = 0;
    this.#patternCount = 0;
    this.#nodeCount = 1;
    for (const pattern of removed) this.emit('pattern-removed', pattern);
  }

  #exactNode(pattern: string): TrieNode<S> {
    let node = this.#exact.get(pattern);
    if (node === undefined) {
      node = new TrieNode<S>();
      this.#exact.set(pattern, node);
      this.#nodeCount++;
    }
    return node;
  }

  #trieNode(normalized: string): TrieNode<S> {
    let node = this.#root;
    for (const segment of normalized.split('.')) {
      let next = node.child(segment);
      if (next === undefined) {
        next = node.addChild(segment);
        this.#nodeCount++;
      }
      node = next;
    }
    return node;
  }

  #path(segments: string[]): TrieNode<S>[] | undefined {
    const path: TrieNode<S>[] = [this.#root];
    let node = this.#root;
    for (const segment of segments) {
      const next = node.child(segment);
      if (next === undefined) return undefined;
      path.push(next);
      node = next;
    }
    return path;
  }

  #prune(path: TrieNode<S>[], segments: string[]): void {
    for (let i = path.length - 1; i > 0; i--) {
      if (!path[i]!.isEmpty()) return;
      path[i - 1]!.removeChild(segments[i - 1]!);
      this.#nodeCount--;
    }
  }

  /** Nodes holding subscribers whose pattern matches `topic`, each node at most once. */
  #collect(topic: string): TrieNode<S>[] {
    const out: TrieNode<S>[] = [];
    const exact = this.#exact.get(topic);
    if (exact !== undefined) out.push(exact);
    if (this.#root.isEmpty()) return out;
    const segments = topic.split('.');
    // 0 is never a live stamp; wrap long before 2^53.
    this.#stamp = this.#stamp >= 0x3fffffff ? 1 : this.#stamp + 1;
    this.#visit(this.#root, segments, 0, out);
    return out;
  }

  /** `node` has consumed the first `at` segments of the topic. */
  #visit(node: TrieNode<S>, segments: string[], at: number, out: TrieNode<S>[]): void {
    if (at === segments.length) {
      if (node.hasBindings()) out.push(node);
      if (node.hash !== undefined) this.#expandHash(node.hash, segments, at, out);
      return;
    }
    const child = node.literalChild(segments[at]!);
    if (child !== undefined) this.#visit(child, segments, at + 1, out);
    if (node.star !== undefined) this.#visit(node.star, segments, at + 1, out);
    if (node.hash !== undefined) this.#expandHash(node.hash, segments, at, out);
  }

  /** `#visit` that stops at the first node with subscribers. */
  #any(node: TrieNode<S>, segments: string[], at: number): boolean {
    if (at === segments.length) {
      return (
        node.hasBindings() || (node.hash !== undefined && this.#anyHash(node.hash, segments, at))
      );
    }
    const child = node.literalChild(segments[at]!);
    if (child !== undefined && this.#any(child, segments, at + 1)) return true;
    if (node.star !== undefined && this.#any(node.star, segments, at + 1)) return true;
    return node.hash !== undefined && this.#anyHash(node.hash, segments, at);
  }

  /** `#expandHash` that stops at the first node with subscribers. */
  #anyHash(node: TrieNode<S>, segments: string[], start: number): boolean {
    let end = segments.length;
    if (node.stamp === this.#stamp) {
      if (start >= node.lowestStart) return false;
      end = node.lowestStart - 1;
    }
    node.stamp = this.#stamp;
    node.lowestStart = start;
    for (let at = start; at <= end; at++) {
      if (at === segments.length) {
        if (node.hasBindings()) return true;
        continue;
      }
      const child = node.literalChild(segments[at]!);
      if (child !== undefined && this.#any(child, segments, at + 1)) return true;
      if (node.star !== undefined && this.#any(node.star, segments, at + 1)) return true;
    }
    return false;
  }

  /**
   * A `#` node entered at `start` may absorb any number of the following segments, so the
   * walk continues below it from every position in [start, length]. Other alignments of
   * earlier `#` can enter the same node again at other starts; positions an earlier entry
   * already covered are skipped, so each (node, position) is walked at most once per match:
   * no exponential blow-up on runs of `#`, and no node reported twice.
   */
  #expandHash(node: TrieNode<S>, segments: string[], start: number, out: TrieNode<S>[]): void {
    let end = segments.length;
    if (node.stamp === this.#stamp) {
      if (start >= node.lowestStart) return;
      end = node.lowestStart - 1;
    }
    node.stamp = this.#stamp;
    node.lowestStart = start;
    for (let at = start; at <= end; at++) {
      if (at === segments.length) {
        if (node.hasBindings()) out.push(node);
        continue;
      }
      const child = node.literalChild(segments[at]!);
      if (child !== undefined) this.#visit(child, segments, at + 1, out);
      if (node.star !== undefined) this.#visit(node.star, segments, at + 1, out);
    }
  }
}
