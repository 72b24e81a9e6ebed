import {
  type DroppedFrame,
  ErrorCode,
  type EventFrame,
  parseHistoryResponse,
  type StreamPosition,
  type SubscriptionOutcome,
  SwitchboardError,
} from '@switchboard/protocol/wire';
import type { ResyncRequiredEvent } from './events.ts';

/** What the gap recovery needs from its client. */
export interface GapRecoveryHost {
  /** Sends a `$history` request; rejects on an error reply, timeout or disconnect. */
  fetchHistory(data: { epoch: string; after: number; until: number }): Promise<unknown>;
  /** Hands an event to the application (dedupe and position tracking live there). */
  deliver(event: EventFrame): void;
  /** The gap could not be filled: the application must resync. */
  resync(detail: { reason: 'history-exhausted'; fromOffset: number; toOffset: number }): void;
}

/** Live events held while a gap is fetched; beyond this the gap is given up. */
const MAX_HELD_EVENTS = 100_000;

/**
 * Fills gaps the hub reported with `dropped` frames: fetches the missing range from history
 * while holding live events back, then delivers the range and the held events in offset
 * order. A gap history no longer covers ends in `resync`, never a silent partial replay.
 */
export class GapRecovery {
  readonly #gaps: DroppedFrame[] = [];
  #held: EventFrame[] = [];
  #fetching = false;
  /** Bumped on reconnect so answers for an old connection are ignored. */
  #generation = 0;

  readonly #host: GapRecoveryHost;

  constructor(host: GapRecoveryHost) {
    this.#host = host;
  }

  get active(): boolean {
    return this.#fetching;
  }

  /** A live event: held while a gap is being fetched, delivered otherwise. */
  onEvent(event: EventFrame): void {
    if (!this.#fetching) {
      this.#host.deliver(event);
      return;
    }
    if (this.#held.length >= MAX_HELD_EVENTS) {
      const first = this.#gaps[0];
      this.#abandon();
      if (first) {
        this.#host.resync({
          reason: 'history-exhausted',
          fromOffset: first.fromOffset,
          toOffset: event.offset,
        });
      }
      this.#host.deliver(event);
      return;
    }
    this.#held.push(event);
  }

  onDropped(frame: DroppedFrame): void {
    this.#gaps.push(frame);
    if (!this.#fetching) this.#next();
  }

  /**
   * The socket dropped. Held events were not delivered, so the position still points
   * before the gap and the resubscribe replays all of it: forget the recovery.
   */
  reset(): void {
    this.#generation += 1;
    this.#gaps.length = 0;
    this.#held = [];
    this.#fetching = false;
  }

  #next(): void {
    // Live events that came before the next gap go out first, so offsets stay in order.
    const gap = this.#gaps.shift();
    const limit = gap === undefined ? Number.POSITIVE_INFINITY : gap.fromOffset;
    let release = 0;
    while (release < this.#held.length && this.#held[release]!.offset < limit) release += 1;
    const ready = this.#held.splice(0, release);
    if (gap === undefined) this.#fetching = false;
    for (const event of ready) this.#host.deliver(event);
    if (gap === undefined) return;
    this.#fetching = true;
    this.#fetchPage(gap, gap.fromOffset - 1);
  }

  /** Fetches the gap page by page; each page's events are delivered before the next. */
  #fetchPage(gap: DroppedFrame, after: number): void {
    const generation = this.#generation;
    this.#host
      .fetchHistory({ epoch: gap.epoch, after, until: gap.toOffset })
      .then((data) => {
        if (generation !== this.#generation) return;
        const history = parseHistoryResponse(data);
        if (history === undefined) {
          throw new SwitchboardError(ErrorCode.INVALID_MESSAGE, 'Malformed $history response');
        }
        if (!history.complete || history.epoch !== gap.epoch) {
          this.#host.resync({
            reason: 'history-exhausted',
            fromOffset: gap.fromOffset,
            toOffset: gap.toOffset,
          });
        } else {
          for (const event of history.events) this.#host.deliver(event);
          const last = history.events.at(-1);
          if (history.truncated && last !== undefined) {
            this.#fetchPage(gap, last.offset);
            return;
          }
        }
        this.#next();
      })
      .catch((error: unknown) => {
        if (generation !== this.#generation) return;
        if (error instanceof SwitchboardError && error.code === ErrorCode.CONNECTION_CLOSED) {
          // The resubscribe after the reconnect replays from the position before the gap.
          this.reset();
          return;
        }
        this.#host.resync({
          reason: 'history-exhausted',
          fromOffset: gap.fromOffset,
          toOffset: gap.toOffset,
        });
        this.#next();
      });
  }

  #abandon(): void {
    const held = this.#held;
    this.reset();
    for (const event of held) this.#host.deliver(event);
  }
}

/** True when `event` was already delivered: live, same epoch, at or before the position. */
export function isAlreadyDelivered(
  event: EventFrame,
  position: StreamPosition | undefined,
): boolean {
  return (
    event.replay !== true &&
    position !== undefined &&
    position.epoch === event.epoch &&
    event.offset <= position.offset
  );
}

/**
 * The `resync-required` detail of a resubscribe whose recovery failed for some patterns
 * (`position`: where the client was; `start`: the hub's head in the ack), else undefined.
 */
export function unrecovered(
  subscriptions: readonly SubscriptionOutcome[],
  position: StreamPosition | undefined,
  start: StreamPosition | undefined,
): ResyncRequiredEvent | undefined {
  const lost = subscriptions.filter((outcome) => outcome.wasRecovering && !outcome.recovered);
  if (lost.length === 0) return undefined;
  const epochChanged =
    position !== undefined && start !== undefined && position.epoch !== start.epoch;
  return {
    reason: epochChanged ? 'epoch-changed' : 'history-exhausted',
    patterns: lost.map((outcome) => outcome.pattern),
    position,
  };
}
