import type { EventFrame, SwitchboardError } from '@switchboard/client';
import type { Since, TopicListener, TopicRegistry } from './topic-registry.ts';

/** An event as the hooks hand it out, with the payload typed by the caller. */
export type TopicEvent<T = unknown> = Omit<EventFrame, 'data'> & { data: T };

/** What `useTopic` renders from: immutable, replaced when something changed. */
export interface TopicSnapshot<T = unknown> {
  /** The newest event (highest offset) on any of the patterns; undefined before the first. */
  latest: TopicEvent<T> | undefined;
  /** The last `limit` events, oldest first; always empty with `limit: 0`. */
  events: readonly TopicEvent<T>[];
  /** The hub refused or did not answer one of the subscriptions. */
  error: SwitchboardError | undefined;
}

const NO_EVENTS: readonly never[] = Object.freeze([]);

export interface TopicViewOptions {
  patterns: readonly string[];
  since: Since | undefined;
  limit: number;
}

/**
 * The external store behind one `useTopic` call: the events of its patterns since it was
 * attached, bounded by `limit`, in offset order. `subscribe` is what `useSyncExternalStore`
 * calls: it attaches the view to the client's registry (holding its patterns) and detaches
 * it when React unsubscribes. Nothing happens before that, so rendering (on a server too)
 * has no side effects.
 */
export class TopicView<T = unknown> implements TopicListener {
  readonly patterns: readonly string[];
  readonly #registry: TopicRegistry;
  readonly #since: Since | undefined;
  readonly #limit: number;
  readonly #events: TopicEvent<T>[] = [];
  /** Events taken in, so that the backlog handed again after a remount is not taken twice. */
  readonly #taken = new WeakSet<EventFrame>();
  #latest: TopicEvent<T> | undefined;
  readonly #listeners = new Set<() => void>();
  readonly #eventListeners = new Set<(event: TopicEvent<T>) => void>();
  readonly #initial: TopicSnapshot<T> = { latest: undefined, events: NO_EVENTS, error: undefined };
  #snapshot: TopicSnapshot<T> = this.#initial;
  #dirty = false;

  constructor(registry: TopicRegistry, options: TopicViewOptions) {
    this.#registry = registry;
    this.patterns = options.patterns;
    this.#since = options.since;
    this.#limit = options.limit;
  }

  /** For useSyncExternalStore; the returned function undoes it. */
  readonly subscribe = (onChange: () => void): (() => void) => {
    this.#listeners.add(onChange);
    if (this.#listeners.size === 1) {
      const backlog = this.#registry.backlog(this.patterns, this.#since);
      this.#registry.attach(this, this.#since);
      for (const event of backlog) this.event(event);
      this.stateChanged();
    }
    return () => {
      this.#listeners.delete(onChange);
      if (this.#listeners.size === 0) this.#registry.detach(this);
    };
  };

  readonly getSnapshot = (): TopicSnapshot<T> => {
    if (this.#dirty) {
      this.#dirty = false;
      this.#snapshot = {
        latest: this.#latest,
        events: this.#limit === 0 ? NO_EVENTS : [...this.#events],
        error: this.#registry.errorOf(this.patterns),
      };
    }
    return this.#snapshot;
  };

  /** The same object on every call, as React requires; nothing has arrived on a server. */
  readonly getServerSnapshot = (): TopicSnapshot<T> => this.#initial;

  /** Calls `listener` with every event this view takes in, once each; returns the undo. */
  onEvent(listener: (event: TopicEvent<T>) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Forgets the events received so far (`latest` included). */
  readonly clear = (): void => {
    this.#events.length = 0;
    this.#latest = undefined;
    this.#changed();
  };

  event(frame: EventFrame): void {
    if (this.#taken.has(frame)) return;
    this.#taken.add(frame);
    const event = frame as TopicEvent<T>;
    const latest = this.#latest;
    if (latest === undefined || latest.epoch !== event.epoch || event.offset > latest.offset) {
      this.#latest = event;
    }
    if (this.#limit > 0) this.#insert(event);
    this.#changed();
    for (const listener of this.#eventListeners) listener(event);
  }

  stateChanged(): void {
    const error = this.#registry.errorOf(this.patterns);
    if (error !== this.#snapshot.error) this.#changed();
  }

  /** In offset order: a replay for a late subscription may be older than what is here. */
  #insert(event: TopicEvent<T>): void {
    const events = this.#events;
    let at = events.length;
    while (at > 0) {
      const before = events[at - 1]!;
      if (before.epoch !== event.epoch || before.offset < event.offset) break;
      at -= 1;
    }
    if (at === 0 && events.length >= this.#limit) return;
    events.splice(at, 0, event);
    if (events.length > this.#limit) events.shift();
  }

  #changed(): void {
    this.#dirty = true;
    for (const listener of [...this.#listeners]) listener();
  }
}
