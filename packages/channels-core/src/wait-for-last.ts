import { checkDuration, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { HubClient, HubEvent } from './hub.ts';
import { acquire, release } from './leases.ts';

/** How an event ends a wait: with a value, or with an error (e.g. the task failed). */
export type Settlement<T> = { value: T } | { error: unknown };

export interface WaitForLastOptions<T> {
  /** Concrete topics whose newest event decides the wait. */
  topics: readonly string[];
  /** Without it the wait has no time limit. */
  timeoutMs?: number | undefined;
  /** Named in the TypeError for a bad `timeoutMs`, e.g. `waitForCompletion`. @default 'waitForLast' */
  owner?: string | undefined;
  /** Named in the TIMEOUT error, e.g. `completion of task "t1"`. */
  what: string;
  /** Turns an event into the outcome; throws a SwitchboardError for an invalid payload. */
  decide(event: HubEvent): Settlement<T>;
  /** An event on the topics failed `decide`: it is skipped and the wait goes on. */
  onInvalid?(error: SwitchboardError): void;
}

/**
 * Waits for the newest event on `topics`, including one published before the call: the
 * subscribe asks for `since: 'last'`, so the hub replays each topic's retained last value
 * before it acks. Replayed events are collected until the ack and the newest (highest
 * offset) decides; after the ack the first live event decides.
 *
 * Either way the listener, the timer and the subscription are removed before the promise
 * settles, so listener and subscription counts are back to where they were.
 */
export function waitForLast<T>(client: HubClient, options: WaitForLastOptions<T>): Promise<T> {
  const { topics, timeoutMs, what, decide, onInvalid, owner = 'waitForLast' } = options;
  try {
    checkDuration(owner, 'timeoutMs', timeoutMs);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<T>((resolve, reject) => {
    const wanted = new Set(topics);
    let acked = false;
    let done = false;
    let newest: { offset: number; settlement: Settlement<T> } | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const finish = (settlement: Settlement<T>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.off('event', onEvent);
      const settle = () =>
        'value' in settlement ? resolve(settlement.value) : reject(settlement.error);
      release(client, topics).then(settle, settle);
    };

    const onEvent = (event: HubEvent): void => {
      if (done || !wanted.has(event.topic)) return;
      let settlement: Settlement<T>;
      try {
        settlement = decide(event);
      } catch (error) {
        onInvalid?.(SwitchboardError.from(error, ErrorCode.INVALID_MESSAGE));
        return;
      }
      if (acked) finish(settlement);
      else if (newest === undefined || event.offset > newest.offset) {
        newest = { offset: event.offset, settlement };
      }
    };
    client.on('event', onEvent);

    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        finish({
          error: new SwitchboardError(
            ErrorCode.TIMEOUT,
            `Timed out after ${timeoutMs} ms waiting for ${what}`,
            { details: { timeoutMs, topics: [...topics] } },
          ),
        });
      }, timeoutMs);
    }

    acquire(client, topics, 'last').then(
      () => {
        acked = true;
        if (newest !== undefined) finish(newest.settlement);
      },
      (error: unknown) => finish({ error }),
    );
  });
}
