import {
  compilePattern,
  type SubscribeFrame,
  type SubscriptionOutcome,
} from '@switchboard/protocol';
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
 *
 * Every outcome has `wasRecovering: true` (the frame asked for history) and counts the
 * replayed events its own pattern matches. An event matching several of the frame's patterns
 * is delivered once and counted under each of them.
 */
export async function replayHistory(
  core: RouterCore,
  connection: RouterConnection,
  frame: SubscribeFrame,
  patterns: string[],
  head: number,
): Promise<SubscriptionOutcome[]> {
  const { engine, options } = core;
  const nothing = (recovered: boolean) =>
    patterns.map((pattern) => ({ pattern, wasRecovering: true, recovered, replayed: 0 }));
  if (frame.since === 'last') {
    const perPattern: LogEntry[][] = [];
    for (const pattern of patterns) {
      const values = await engine.lastValues(pattern, options.maxReplay);
      perPattern.push(values.filter((entry) => entry.offset <= head));
    }
    const byOffset = new Map<number, LogEntry>();
    for (const values of perPattern) for (const entry of values) byOffset.set(entry.offset, entry);
    let selected = [...byOffset.values()].sort((a, b) => a.offset - b.offset);
    // Each pattern gives its `maxReplay` most recently updated values; across patterns the
    // replay is bounded the same way, so one replay never holds more than `maxReplay` entries.
    if (selected.length > options.maxReplay) selected = selected.slice(-options.maxReplay);
    const kept = selected.length === byOffset.size ? undefined : new Set(selected);
    connection.output.replay(new ReplayStream(selected, serializeReplayed));
    return patterns.map((pattern, i) => ({
      pattern,
      wasRecovering: true,
      recovered: true,
      replayed:
        kept === undefined
          ? perPattern[i]!.length
          : perPattern[i]!.filter((entry) => kept.has(entry)).length,
    }));
  }
  let after: number;
  if (frame.position !== undefined) {
    if (frame.position.epoch !== engine.epoch) return nothing(false);
    after = frame.position.offset;
  } else {
    after = frame.since as number;
  }
  if (after >= head) return nothing(true);
  const read = await engine.read({ after, patterns, limit: options.maxReplay + 1 });
  const entries = read.entries.filter((entry) => entry.offset <= head);
  if (!read.complete || entries.length > options.maxReplay) {
    // Never a silent partial replay: the client must resync.
    return nothing(false);
  }
  // Framed as the socket takes them, so a large gap costs no queue of frames.
  connection.output.replay(new ReplayStream(entries, serializeReplayed));
  return countPerPattern(patterns, entries);
}

/** One outcome per pattern, counting the replayed entries that pattern matches. */
function countPerPattern(patterns: string[], entries: LogEntry[]): SubscriptionOutcome[] {
  return patterns.map((pattern) => {
    const match = compilePattern(pattern);
    let replayed = 0;
    for (const entry of entries) if (match(entry.topic)) replayed += 1;
    return { pattern, wasRecovering: true, recovered: true, replayed };
  });
}

function serializeReplayed(entry: LogEntry): string {
  return serializeEvent(entry, true);
}
