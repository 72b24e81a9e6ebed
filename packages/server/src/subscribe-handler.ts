import {
  ErrorCode,
  type SubscribeFrame,
  SwitchboardError,
  type UnsubscribeFrame,
} from '@switchboard/protocol';
import type { ClientInfo } from './client-info.ts';
import { replayHistory } from './history-replay.ts';
import type { RouterCore } from './router-core.ts';
import { ack, fail } from './router-core.ts';
import type { RouterConnection } from './router-link.ts';

/** @internal What the subscribe handler reports (WSRouter's `subscribed` and `unsubscribed`). */
export interface SubscriptionEvents {
  subscribed(client: ClientInfo, patterns: string[]): void;
  unsubscribed(client: ClientInfo, patterns: string[]): void;
}

/**
 * @internal
 * `subscribe` and `unsubscribe` frames (already authorized by the authorization stage). A
 * subscribe is all-or-nothing and acknowledged with the log head where it starts; with
 * `position` or `since` it replays history first.
 */
export class SubscribeHandler {
  constructor(
    private readonly core: RouterCore,
    private readonly events: SubscriptionEvents,
  ) {}

  subscribe(connection: RouterConnection, frame: SubscribeFrame): void {
    const replay = frame.position !== undefined || frame.since !== undefined;
    this.#inOrder(connection, frame, replay, () => this.#subscribe(connection, frame));
  }

  unsubscribe(connection: RouterConnection, frame: UnsubscribeFrame): void {
    this.#inOrder(connection, frame, false, () => this.#unsubscribe(connection, frame));
  }

  /**
   * One replay at a time per connection: a subscribe with history waits for the one in
   * flight, and the subscribes and unsubscribes sent after a waiting one wait behind it.
   */
  #inOrder(
    connection: RouterConnection,
    frame: SubscribeFrame | UnsubscribeFrame,
    replay: boolean,
    run: () => void,
  ): void {
    const budget = this.core.options.replayQueueBytes;
    let waited = false;
    const start = () => {
      // At once: a throw reaches the pipeline, which answers INTERNAL_ERROR and reports it.
      if (!waited) return run();
      if (connection.state !== 'open') return;
      try {
        run();
      } catch {
        fail(
          connection,
          frame.id,
          new SwitchboardError(ErrorCode.INTERNAL_ERROR, 'Internal error'),
        );
      }
    };
    const size = () => JSON.stringify(frame).length;
    const queued = connection.output.inReplayOrder(start, size, budget, replay);
    waited = true;
    if (!queued) {
      fail(
        connection,
        frame.id,
        new SwitchboardError(
          ErrorCode.RATE_LIMITED,
          `Frames waiting behind history replays exceed replayQueueBytes (${budget}); read the replays under way first`,
          { details: { replayQueueBytes: budget } },
        ),
      );
    }
  }

  #subscribe(connection: RouterConnection, frame: SubscribeFrame): void {
    const { engine, subscriptions, options } = this.core;
    const patterns = [...new Set(frame.topics)];
    const added = patterns.filter((pattern) => !connection.subscriptions.has(pattern));
    const limit = options.maxSubscriptionsPerClient;
    if (connection.subscriptions.size + added.length > limit) {
      fail(
        connection,
        frame.id,
        new SwitchboardError(
          ErrorCode.TOO_MANY_SUBSCRIPTIONS,
          `Subscribing to ${added.length} more pattern(s) would exceed the limit of ${limit} per connection`,
          { details: { limit } },
        ),
      );
      return;
    }
    const wantsHistory = frame.position !== undefined || frame.since !== undefined;
    // Register first so live events that arrive during the history read wait in the live
    // queue (which does not flow while the connection recovers), not lost.
    const head = engine.head();
    if (wantsHistory) connection.output.beginRecovery();
    for (const pattern of added) subscriptions.add(connection, pattern);
    if (added.length > 0) this.events.subscribed(connection.info(), added);
    if (!wantsHistory) {
      ack(connection, frame.id, {
        // Where the subscription starts: a client without a position resumes from here.
        epoch: head.epoch,
        offset: head.offset,
        subscriptions: patterns.map((pattern) => ({
          pattern,
          wasRecovering: false,
          recovered: false,
          replayed: 0,
        })),
      });
      return;
    }
    this.core.counters.replays += 1;
    replayHistory(this.core, connection, frame, patterns, head.offset)
      .then((outcomes) =>
        ack(connection, frame.id, {
          epoch: head.epoch,
          offset: head.offset,
          subscriptions: outcomes,
        }),
      )
      .catch((error: unknown) => fail(connection, frame.id, SwitchboardError.from(error)))
      .finally(() => connection.output.finishRecovery());
  }

  #unsubscribe(connection: RouterConnection, frame: UnsubscribeFrame): void {
    const removed: string[] = [];
    for (const pattern of new Set(frame.topics)) {
      if (this.core.subscriptions.remove(connection, pattern)) removed.push(pattern);
    }
    if (removed.length > 0) this.events.unsubscribed(connection.info(), removed);
    ack(connection, frame.id, {});
  }
}
