import type { RouterConnection } from './router-link.ts';

/** Why a `handle` was not registered. */
export type RegisterOutcome =
  | { ok: true }
  | { ok: false; reason: 'conflict'; group: string | undefined }
  | { ok: false; reason: 'limit' };

/**
 * Where a call goes: a handler, or why none. `unknown`: nobody serves the method on this node
 * (NOT_FOUND); `gone`: clients served it but no live handler may take it now
 * (NO_RESPONDERS); `busy`: every handler that may take it is at its limit (TOO_MANY_CALLS).
 */
export type Selection =
  | { handler: RouterConnection }
  | { handler?: undefined; none: 'unknown' | 'gone' | 'busy' };

/** What the call router asks of a candidate when it picks one. */
export interface Candidates {
  /** Calls the connection serves now. */
  load(handler: RouterConnection): number;
  /** False when the connection has as many calls as it may serve. */
  hasRoom(handler: RouterConnection): boolean;
  /** False when its principal may no longer serve the method (a refreshed credential). */
  mayServe(handler: RouterConnection, method: string): boolean;
}

/**
 * @internal
 * Who serves which method. The call router only talks to this interface, so a cluster can
 * put one behind it that also knows the handlers of other nodes; the hub's own is node-local
 * (`HandlerRegistry`).
 */
export interface HandlerDirectory {
  register(
    handler: RouterConnection,
    method: string,
    group: string | undefined,
    maxPerConnection: number,
  ): RegisterOutcome;
  /** False when the connection did not serve the method. */
  unregister(handler: RouterConnection, method: string): boolean;
  /** The connection closed: it serves nothing any more. */
  unregisterAll(handler: RouterConnection): void;
  select(method: string, candidates: Candidates): Selection;
  /** Registrations in all (one per connection and method) and methods with a handler. */
  readonly size: { handlers: number; methods: number };
}

/** Methods remembered as served after their last handler left (NO_RESPONDERS, not NOT_FOUND). */
export const REMEMBERED_METHODS = 10_000;

interface MethodGroup {
  /** Undefined for the default group (handle frames without `group`). */
  readonly group: string | undefined;
  readonly members: RouterConnection[];
  /** Where the next search for the least loaded member starts (round-robin among equals). */
  cursor: number;
}

/**
 * @internal
 * This node's handlers: per method, the one group serving it and its live connections; per
 * connection, what it serves. A call goes to the member with the fewest calls in flight,
 * the tie going to the next one after the member picked last (so equal members take turns).
 */
export class HandlerRegistry implements HandlerDirectory {
  readonly #methods = new Map<string, MethodGroup>();
  readonly #byConnection = new Map<RouterConnection, Set<string>>();
  /** Methods that had a handler, oldest first; bounded by REMEMBERED_METHODS. */
  readonly #served = new Set<string>();
  #handlers = 0;

  register(
    handler: RouterConnection,
    method: string,
    group: string | undefined,
    maxPerConnection: number,
  ): RegisterOutcome {
    const entry = this.#methods.get(method);
    if (entry !== undefined && entry.group !== group) {
      return { ok: false, reason: 'conflict', group: entry.group };
    }
    let mine = this.#byConnection.get(handler);
    if (mine?.has(method)) return { ok: true };
    if ((mine?.size ?? 0) >= maxPerConnection) return { ok: false, reason: 'limit' };
    if (mine === undefined) {
      mine = new Set();
      this.#byConnection.set(handler, mine);
    }
    mine.add(method);
    if (entry === undefined) this.#methods.set(method, { group, members: [handler], cursor: 0 });
    else entry.members.push(handler);
    this.#handlers += 1;
    this.#remember(method);
    return { ok: true };
  }

  unregister(handler: RouterConnection, method: string): boolean {
    const mine = this.#byConnection.get(handler);
    if (mine === undefined || !mine.delete(method)) return false;
    if (mine.size === 0) this.#byConnection.delete(handler);
    this.#leave(handler, method);
    return true;
  }

  unregisterAll(handler: RouterConnection): void {
    const mine = this.#byConnection.get(handler);
    if (mine === undefined) return;
    this.#byConnection.delete(handler);
    for (const method of mine) this.#leave(handler, method);
  }

  select(method: string, candidates: Candidates): Selection {
    const entry = this.#methods.get(method);
    if (entry === undefined) return { none: this.#served.has(method) ? 'gone' : 'unknown' };
    const { members } = entry;
    let best: number | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    let busy = false;
    for (let step = 0; step < members.length; step++) {
      const at = (entry.cursor + step) % members.length;
      const member = members[at]!;
      if (!candidates.mayServe(member, method)) continue;
      if (!candidates.hasRoom(member)) {
        busy = true;
        continue;
      }
      const load = candidates.load(member);
      if (load < bestLoad) {
        best = at;
        bestLoad = load;
        if (load === 0) break;
      }
    }
    if (best === undefined) return { none: busy ? 'busy' : 'gone' };
    entry.cursor = (best + 1) % members.length;
    return { handler: members[best]! };
  }

  get size(): { handlers: number; methods: number } {
    return { handlers: this.#handlers, methods: this.#methods.size };
  }

  #leave(handler: RouterConnection, method: string): void {
    const entry = this.#methods.get(method);
    if (entry === undefined) return;
    const at = entry.members.indexOf(handler);
    if (at === -1) return;
    entry.members.splice(at, 1);
    this.#handlers -= 1;
    if (entry.members.length === 0) this.#methods.delete(method);
    else if (entry.cursor > at) entry.cursor -= 1;
    else if (entry.cursor >= entry.members.length) entry.cursor = 0;
  }

  #remember(method: string): void {
    // Re-inserting moves it to the newest end, so the oldest is forgotten first.
    this.#served.delete(method);
    this.#served.add(method);
    if (this.#served.size > REMEMBERED_METHODS) {
      const oldest = this.#served.values().next().value;
      if (oldest !== undefined) this.#served.delete(oldest);
    }
  }
}
