import { CloseCode, type DroppedFrame } from '@switchboard/protocol';
import type { DeliveryLoss } from '@switchboard/router';
import type { RouterConnection } from './router-link.ts';

/** The reason subscribers read when the hub log was lost under them. */
export const EPOCH_CHANGED_REASON = 'Hub log lost (new epoch): reconnect and resubscribe';

/**
 * Tells this node's subscribers what its engine could not deliver, so that no client sees a
 * silent gap. Called in delivery order (after the entries before the loss were fanned out,
 * before any after it), so each notice lands where the loss is in the connection's stream:
 *
 * - a gap: a `dropped` frame for the missing offsets (the hub no longer knows which of them
 *   matched, so `count` is the width of the range); the client asks `$history` for it, gets
 *   `complete: false` and resyncs (`resync-required`, `history-exhausted`);
 * - a new epoch: `disconnect` (`reconnect: true`) and close 1001, before any entry of the
 *   new log reaches the connection; the client reconnects and resubscribes from its old
 *   position, and the hub answers `recovered: false` (`resync-required`, `epoch-changed`).
 *
 * Connections without subscriptions get nothing: they have no position to lose.
 */
export function tellLoss(loss: DeliveryLoss, connections: Iterable<RouterConnection>): number {
  let told = 0;
  for (const connection of connections) {
    if (connection.state !== 'open' || connection.subscriptions.size === 0) continue;
    told += 1;
    if (loss.kind === 'gap') {
      const frame: DroppedFrame = {
        type: 'dropped',
        epoch: loss.epoch,
        fromOffset: loss.from,
        toOffset: loss.to,
        count: loss.to - loss.from + 1,
      };
      connection.send(frame);
      continue;
    }
    connection.send({
      type: 'disconnect',
      code: CloseCode.GOING_AWAY,
      reason: EPOCH_CHANGED_REASON,
      reconnect: true,
    });
    connection.close(CloseCode.GOING_AWAY, EPOCH_CHANGED_REASON);
  }
  return told;
}
