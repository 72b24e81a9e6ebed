import type { RedisLink } from './link.ts';
import type { Reader } from './reader.ts';

/**
 * - `live`: both connections are up and the reader's read in flight is younger than
 *   `stallTimeoutMs`;
 * - `reconnecting`: a connection is down (ioredis is reconnecting);
 * - `stalled`: connected, but the read in flight is older than `stallTimeoutMs` (the
 *   watchdog is about to reconnect it), or the watchdog reconnected it and no read has
 *   returned since;
 * - `not-open` before `open()` resolved, `closed` after `close()`.
 */
export type EngineHealthState = 'not-open' | 'live' | 'reconnecting' | 'stalled' | 'closed';

export interface EngineHealth {
  /** `state === 'live'`: this node receives the log as it grows. */
  ok: boolean;
  state: EngineHealthState;
  /** The epoch this node delivers in (undefined before open). */
  epoch: string | undefined;
  /** `head().offset`: the newest offset handed to the listeners. */
  head: number;
  /** The newest offset this node knows the log has (from its reads and appends). */
  logHead: number;
  /** `logHead - head`: entries known to exist that this node has not delivered yet. */
  lag: number;
  /** When a read last returned (ms since the Unix epoch, by the system clock). */
  lastReadAt: number | undefined;
  /** Reconnects of the command and reader connections since open. */
  reconnects: number;
  /** Reader reconnects the watchdog forced. */
  stalls: number;
  /** Gaps reported, and the entries they held. */
  gaps: number;
  missedEntries: number;
  /** Times this node found its log lost and moved to a new epoch. */
  epochChanges: number;
}

export function healthOf(source: {
  closed: boolean;
  reader: Reader | undefined;
  links: (RedisLink | undefined)[];
  stallTimeoutMs: number;
}): EngineHealth {
  const { reader, links } = source;
  const state: EngineHealthState = source.closed
    ? 'closed'
    : reader === undefined
      ? 'not-open'
      : links.some((link) => link?.isReady !== true)
        ? 'reconnecting'
        : reader.waitingMs > source.stallTimeoutMs || reader.stalledSinceRead
          ? 'stalled'
          : 'live';
  const head = reader?.head ?? 0;
  const logHead = Math.max(reader?.logHead ?? 0, head);
  return {
    ok: state === 'live',
    state,
    epoch: reader?.epoch,
    head,
    logHead,
    lag: logHead - head,
    lastReadAt: reader?.lastReadAt,
    reconnects: links.reduce((sum, link) => sum + (link?.reconnects ?? 0), 0),
    stalls: reader?.stalls ?? 0,
    gaps: reader?.gaps ?? 0,
    missedEntries: reader?.missed ?? 0,
    epochChanges: reader?.epochChanges ?? 0,
  };
}
