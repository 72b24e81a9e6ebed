import {
  MAX_TOPICS_PER_FRAME,
  type StreamPosition,
  type SubscribeFrame,
  type SubscriptionOutcome,
  type SwitchboardError,
} from '@switchboard/protocol/wire';

export type Since = number | 'last';

interface Wanted {
  /** Asked for with `since` and not yet confirmed: the history request still stands. */
  since: Since | undefined;
  /** The hub acked it at least once; a resubscribe then resumes from the last position. */
  confirmed: boolean;
}

interface Call {
  readonly patterns: readonly string[];
  readonly outcomes: Map<string, SubscriptionOutcome>;
  resolve(outcomes: SubscriptionOutcome[]): void;
  reject(error: SwitchboardError): void;
}

/**
 * The patterns this client wants, independent of any socket, and the `subscribe()` calls
 * waiting for them. A call resolves when every one of its patterns has been acked by any
 * subscribe frame: its own, or the resubscribe after a reconnect when the socket dropped
 * first. That is how in-flight and offline subscribes are "covered by the resubscribe".
 */
export class SubscriptionRegistry {
  readonly #wanted = new Map<string, Wanted>();
  readonly #calls = new Set<Call>();

  patterns(): Set<string> {
    return new Set(this.#wanted.keys());
  }

  /** Records the wish; the promise settles when the hub has answered for every pattern. */
  add(patterns: readonly string[], since: Since | undefined): Promise<SubscriptionOutcome[]> {
    for (const pattern of patterns) {
      const current = this.#wanted.get(pattern);
      if (since !== undefined) this.#wanted.set(pattern, { since, confirmed: false });
      else if (current === undefined)
        this.#wanted.set(pattern, { since: undefined, confirmed: false });
    }
    return new Promise((resolve, reject) => {
      this.#calls.add({ patterns, outcomes: new Map(), resolve, reject });
    });
  }

  /**
   * Applies an ack for a subscribe frame. `adopt` adds patterns not yet wanted (frames sent
   * through `send`/`sendAndWait`); otherwise a pattern unsubscribed meanwhile stays gone.
   */
  confirm(
    framePatterns: readonly string[],
    outcomes: readonly SubscriptionOutcome[] | undefined,
    adopt = false,
  ): void {
    const byPattern = new Map(outcomes?.map((outcome) => [outcome.pattern, outcome]));
    for (const pattern of framePatterns) {
      const entry = this.#wanted.get(pattern);
      if (entry !== undefined) {
        entry.confirmed = true;
        entry.since = undefined;
      } else if (adopt) {
        this.#wanted.set(pattern, { since: undefined, confirmed: true });
      }
      const outcome = byPattern.get(pattern) ?? {
        pattern,
        wasRecovering: false,
        recovered: false,
        replayed: 0,
      };
      for (const call of this.#calls) {
        if (call.patterns.includes(pattern)) call.outcomes.set(pattern, outcome);
      }
    }
    for (const call of this.#calls) {
      if (call.outcomes.size === call.patterns.length) {
        this.#calls.delete(call);
        call.resolve(call.patterns.map((pattern) => call.outcomes.get(pattern)!));
      }
    }
  }

  /** The hub refused a subscribe frame (FORBIDDEN, INVALID_PATTERN...): forget its patterns. */
  refuse(framePatterns: readonly string[], error: SwitchboardError): void {
    for (const pattern of framePatterns) this.#wanted.delete(pattern);
    this.fail(framePatterns, error);
  }

  /** Rejects the calls waiting on these patterns (e.g. TIMEOUT) but keeps the patterns. */
  fail(framePatterns: readonly string[], error: SwitchboardError): void {
    for (const call of this.#calls) {
      if (call.patterns.some((pattern) => framePatterns.includes(pattern))) {
        this.#calls.delete(call);
        call.reject(error);
      }
    }
  }

  /** Unsubscribe. `rejectWaiting` is given when no frame in flight can answer those calls. */
  remove(patterns: readonly string[], rejectWaiting?: SwitchboardError): void {
    for (const pattern of patterns) this.#wanted.delete(pattern);
    if (rejectWaiting !== undefined) this.fail(patterns, rejectWaiting);
  }

  /** After a drop: calls waiting on a pattern that will not be resubscribed can never settle. */
  rejectOrphans(error: SwitchboardError): void {
    for (const call of this.#calls) {
      const orphan = call.patterns.some(
        (pattern) => !call.outcomes.has(pattern) && !this.#wanted.has(pattern),
      );
      if (orphan) {
        this.#calls.delete(call);
        call.reject(error);
      }
    }
  }

  rejectAll(error: SwitchboardError): void {
    const calls = [...this.#calls];
    this.#calls.clear();
    for (const call of calls) call.reject(error);
  }

  /**
   * Frames that restore every wanted pattern on a new connection, at most
   * MAX_TOPICS_PER_FRAME patterns each. Confirmed patterns resume from `position`; patterns
   * never confirmed keep their own `since`, so they are grouped by it.
   */
  resubscribeFrames(position: StreamPosition | undefined, nextId: () => string): SubscribeFrame[] {
    const groups = new Map<
      string,
      { since: Since | undefined; resume: boolean; topics: string[] }
    >();
    for (const [pattern, entry] of this.#wanted) {
      const resume = entry.confirmed && position !== undefined;
      const key = resume ? 'resume' : `since:${entry.since ?? ''}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { since: entry.since, resume, topics: [] };
        groups.set(key, group);
      }
      group.topics.push(pattern);
    }
    const frames: SubscribeFrame[] = [];
    for (const group of groups.values()) {
      for (let i = 0; i < group.topics.length; i += MAX_TOPICS_PER_FRAME) {
        frames.push({
          type: 'subscribe',
          id: nextId(),
          topics: group.topics.slice(i, i + MAX_TOPICS_PER_FRAME),
          ...(group.resume && position !== undefined ? { position } : {}),
          ...(group.since === undefined ? {} : { since: group.since }),
        });
      }
    }
    return frames;
  }
}
