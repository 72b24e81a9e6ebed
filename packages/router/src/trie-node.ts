import { CompactSet } from './compact-set.ts';

export const STAR = '*';
export const HASH = '#';

/**
 * One segment position in the subscription trie. Memory matters more than elegance here:
 * with per-agent and per-task subscriptions most nodes have a single literal child and a
 * single subscriber, so both are held inline until a second one arrives.
 */
export class TrieNode<S> {
  // Literal children: one inline, a Map from the second on.
  #onlyKey: string | undefined = undefined;
  #onlyChild: TrieNode<S> | undefined = undefined;
  #literal: Map<string, TrieNode<S>> | undefined = undefined;
  star: TrieNode<S> | undefined = undefined;
  hash: TrieNode<S> | undefined = undefined;
  /** Normalized pattern of this node while anything is bound here. */
  pattern: string | undefined = undefined;
  /** Subscribers bound with exactly the normalized pattern (the usual case). */
  subscribers: CompactSet<S> | undefined = undefined;
  /** Subscribers bound with a spelling that normalizes here, such as `a.#.#` for `a.#`. */
  aliases: Map<string, CompactSet<S>> | undefined = undefined;
  // Per-match bookkeeping of `#` nodes (see SubscriptionIndex#expandHash).
  stamp = 0;
  lowestStart = 0;

  literalChild(segment: string): TrieNode<S> | undefined {
    if (this.#onlyKey === segment) return this.#onlyChild;
    return this.#literal?.get(segment);
  }

  child(segment: string): TrieNode<S> | undefined {
    if (segment === STAR) return this.star;
    if (segment === HASH) return this.hash;
    return this.literalChild(segment);
  }

  /** Creates the child for `segment`; the caller checked that it is missing. */
  addChild(segment: string): TrieNode<S> {
    const node = new TrieNode<S>();
    if (segment === STAR) this.star = node;
    else if (segment === HASH) this.hash = node;
    else if (this.#literal !== undefined) this.#literal.set(segment, node);
    else if (this.#onlyKey === undefined) {
      this.#onlyKey = segment;
      this.#onlyChild = node;
    } else {
      this.#literal = new Map([[this.#onlyKey, this.#onlyChild!]]);
      this.#literal.set(segment, node);
      this.#onlyKey = this.#onlyChild = undefined;
    }
    return node;
  }

  removeChild(segment: string): void {
    if (segment === STAR) this.star = undefined;
    else if (segment === HASH) this.hash = undefined;
    else if (this.#onlyKey === segment) this.#onlyKey = this.#onlyChild = undefined;
    else if (this.#literal !== undefined) {
      this.#literal.delete(segment);
      if (this.#literal.size === 0) this.#literal = undefined;
    }
  }

  /** Every child node, in no particular order. */
  children(): TrieNode<S>[] {
    const out: TrieNode<S>[] = [];
    if (this.#onlyChild !== undefined) out.push(this.#onlyChild);
    if (this.#literal !== undefined) out.push(...this.#literal.values());
    if (this.star !== undefined) out.push(this.star);
    if (this.hash !== undefined) out.push(this.hash);
    return out;
  }

  hasBindings(): boolean {
    return this.subscribers !== undefined || this.aliases !== undefined;
  }

  isEmpty(): boolean {
    return (
      this.#onlyChild === undefined &&
      this.#literal === undefined &&
      this.star === undefined &&
      this.hash === undefined &&
      !this.hasBindings()
    );
  }

  /** The subscribers bound with this exact pattern string; `create` allocates them. */
  binding(pattern: string, create: boolean): CompactSet<S> | undefined {
    if (pattern === this.pattern) {
      if (this.subscribers === undefined && create) this.subscribers = new CompactSet();
      return this.subscribers;
    }
    let set = this.aliases?.get(pattern);
    if (set === undefined && create) {
      set = new CompactSet();
      this.aliases ??= new Map();
      this.aliases.set(pattern, set);
    }
    return set;
  }

  /** Forgets an emptied binding so that the node can be pruned. */
  dropBinding(pattern: string): void {
    if (pattern === this.pattern) this.subscribers = undefined;
    else {
      this.aliases?.delete(pattern);
      if (this.aliases?.size === 0) this.aliases = undefined;
    }
    if (!this.hasBindings()) this.pattern = undefined;
  }

  /** Calls `fn` for every (subscriber, pattern) bound here, without allocating a closure. */
  forEachBinding(fn: (subscriber: S, pattern: string) => void): void {
    if (this.subscribers !== undefined) this.subscribers.forEach(fn, this.pattern!);
    if (this.aliases !== undefined) {
      for (const [pattern, set] of this.aliases) set.forEach(fn, pattern);
    }
  }
}
