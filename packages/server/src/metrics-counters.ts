import { CloseCode, ErrorCode } from '@switchboard/protocol';

const KNOWN_ERROR_CODES = new Set<string>(Object.values(ErrorCode));
const KNOWN_CLOSE_CODES = new Set<number>([
  ...Object.values(CloseCode),
  1000,
  1001,
  1002,
  1003,
  1005,
  1006,
  1007,
  1008,
  1009,
  1011,
  1012,
  1013,
]);

/** Label values for an error code: the protocol's codes, anything else `OTHER` (bounded). */
export function errorCodeLabel(code: string): string {
  return KNOWN_ERROR_CODES.has(code) ? code : 'OTHER';
}

/** Label values for a close code: the protocol's and RFC 6455's codes, anything else `other`. */
export function closeCodeLabel(code: number): string {
  return KNOWN_CLOSE_CODES.has(code) ? String(code) : 'other';
}

/**
 * @internal
 * The hub's own counts of what happened since it started, kept whether or not metrics are on
 * (each is an increment where the hub already handles the event). `/stats` and `/metrics`
 * read the same numbers; the figures `/stats` already had (frames, publishes, deliveries,
 * drops) stay where they were counted and `/metrics` reads them through `stats()`.
 *
 * Keys of the maps are bounded: frame types of valid frames, the protocol's error codes
 * (`errorCodeLabel`), close codes (`closeCodeLabel`), HTTP statuses the upgrade answers.
 */
export class HubCounters {
  /** WebSockets accepted (upgraded). */
  opened = 0;
  /** Handshakes that ended in a `welcome`. */
  handshakes = 0;
  /** Subscribes that asked for history (a position or `since`). */
  replays = 0;
  /** Valid frames from authenticated clients, by frame type. */
  readonly framesIn = new Map<string, number>();
  /** `error` frames the hub sent for something it refused, by error code. */
  readonly refusals = new Map<string, number>();
  /** Closed connections, by close code. */
  readonly closes = new Map<string, number>();
  /** Upgrade requests answered with an HTTP error, by status. */
  readonly upgradeRefusals = new Map<string, number>();
  /**
   * Set while latency histograms are on: `observe*` go to them. Unset, timing costs one
   * property read per publish and per fan-out.
   */
  timing: LatencyObserver | undefined;
  /** When the oldest event fanned out and not yet written was fanned out (`performance.now()`). */
  #waitingSince = 0;

  frameIn(type: string): void {
    this.framesIn.set(type, (this.framesIn.get(type) ?? 0) + 1);
  }

  refused(code: string): void {
    const label = errorCodeLabel(code);
    this.refusals.set(label, (this.refusals.get(label) ?? 0) + 1);
  }

  closed(code: number): void {
    const label = closeCodeLabel(code);
    this.closes.set(label, (this.closes.get(label) ?? 0) + 1);
  }

  upgradeRefused(status: number): void {
    const label = String(status);
    this.upgradeRefusals.set(label, (this.upgradeRefusals.get(label) ?? 0) + 1);
  }

  /** An entry was fanned out to at least one connection (only called while timing). */
  queuedForWrite(): void {
    if (this.#waitingSince === 0) this.#waitingSince = performance.now();
  }

  /** Every connection scheduled for a flush was flushed: what waited has been written. */
  written(): void {
    if (this.#waitingSince === 0) return;
    this.timing?.appendToWrite((performance.now() - this.#waitingSince) / 1000);
    this.#waitingSince = 0;
  }
}

/** @internal Where timings go while metrics are on (seconds). */
export interface LatencyObserver {
  publishToAppend(seconds: number): void;
  appendToWrite(seconds: number): void;
}
