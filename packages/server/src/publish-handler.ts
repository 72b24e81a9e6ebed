import { type PublishFrame, SwitchboardError } from '@switchboard/protocol';
import type { Engine } from '@switchboard/router';
import { serializePublishAck } from './event-serializer.ts';
import type { HubCounters } from './metrics-counters.ts';
import { fail } from './router-core.ts';
import type { RouterConnection } from './router-link.ts';

/**
 * @internal
 * A `publish` frame (already authorized): appended to the log, then acknowledged with its
 * position; a repeated id is acknowledged as `duplicate: true` and not delivered again.
 *
 * One `.then(onAppended, onRefused)` rather than `.then().catch()`: one promise per publish
 * instead of two. A throw while acknowledging is still answered with an error frame.
 */
export function publishFrame(
  engine: Engine,
  connection: RouterConnection,
  frame: PublishFrame,
  counters: HubCounters,
): void {
  const timing = counters.timing;
  const routedAt = timing === undefined ? 0 : performance.now();
  engine
    .append({
      id: frame.id,
      // Ids are deduplicated per principal, so one client cannot shadow another's message.
      dedupeKey: `${connection.dedupeScope}\u0000${frame.id}`,
      topic: frame.topic,
      data: frame.data,
      // The engine carries the publisher only to suppress the echo.
      ...(frame.echo === false ? { publisherId: connection.id } : {}),
    })
    .then(
      ({ entry, duplicate }) => {
        try {
          timing?.publishToAppend((performance.now() - routedAt) / 1000);
          if (frame.ack === false) return;
          connection.output.sendRaw(serializePublishAck(frame.id, entry, duplicate));
        } catch (error) {
          fail(connection, frame.id, SwitchboardError.from(error));
        }
      },
      (error: unknown) => fail(connection, frame.id, SwitchboardError.from(error)),
    );
}
