import type { SubscribeFrame, SubscriptionOutcome } from '@switchboard/protocol';
import type { LogEntry } from '@switchboard/router';
import { serializeEvent } from './event-serializer.ts';
import { ReplayStream } from './replay-stream.ts';
import type { RouterCore } from './router-core.ts';
import type { RouterConnection } from './router-link.ts';

/**
 * @internal
 * Sends the history up to `head` that a subscribe with `position` (recovery after a
 * reconnect) or `since` asks for, all or nothing: when the epoch changed, history lost part of
 * the gap, or more than `maxReplay` events are missing, the outcome is `recovered: false` and
 * nothing is replayed, so the client knows to resync.
 */
export async function replayHistory(
  core: RouterCore,
  connection: RouterConnection,
  frame: SubscribeFrame,
  patterns: string[],
  head: number,
): Promise<SubscriptionOutcome[]> {
  const { engine, options } = core;
  const outcome = (recovered: boolean, replayed: number, wasRecovering: boolean) =>
    patterns.map((pattern) => ({ pattern, wasRecovering, recovered, replayed }));
  if (frame.since === 'last') {
    const entries: LogEntry[] = [];
    for (const pattern of patterns)
      entries.push(...(await engine.lastValues(pattern, options.maxReplay)));
    const seen = new Set<number>();
    entries.sort((a, b) => a.offset - b.offset);
    let selected: LogEntry[] = [];
    for (const entry of entries) {
      if (entry.offset > head || seen.has(entry.offset)) continue;
      seen.add(entry.offset);
      selected.push(entry);
    }
    // Each pattern gives its `maxReplay` most recently updated values; across patterns the
    // replay is bounded the same way, so one replay never holds more than `maxReplay` entries.
    if (selected.length > options.maxReplay) selected = selected.slice(-options.maxReplay);
    connection.output.replay(new ReplayStream(selected, serializeReplayed));
    return outcome(true, selected.length, false);
  }
  const wasRecovering = frame.position !== undefined;
  let after: number;
  if (frame.position !== undefined) {
    if (frame.position.epoch !== engine.epoch) return outcome(false, 0, true);
    after = frame.position.offset;
  } else {
    after = frame.since as number;
  }
  if (after >= head) return outcome(true, 0, wasRecovering);
  const read = await engine.read({ after, patterns, limit: options.maxReplay + 1 });
  const entries = read.entries.filter((entry) => entry.offset <= head);
  if (!read.complete || entries.length > options.maxReplay) {
    // Never a silent partial replay: the client must resync.
    return outcome(false, 0, wasRecovering);
  }
  // Framed as the socket takes them, so a large gap costs no queue of frames.
  connection.output.replay(new ReplayStream(entries, serializeReplayed));
  return outcome(true, entries.length, wasRecovering);
}

function serializeReplayed(entry: LogEntry): string {
  return serializeEvent(entry, true);
}
