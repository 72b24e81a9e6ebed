import { ErrorCode, MAX_TIMER_MS, SwitchboardError } from '@switchboard/protocol/wire';
import type { RequestOptions } from './api.ts';

/** Checks the options of `request` and `requestStream`; returns the timeout in ms. */
export function checkCallOptions(name: string, options: RequestOptions, fallback: number): number {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${name}: options must be an object`);
  }
  const { timeout, signal } = options;
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0)) {
    throw new TypeError(`${name}: option "timeout" must be a positive number of ms`);
  }
  if (
    signal !== undefined &&
    typeof (signal as { addEventListener?: unknown } | null)?.addEventListener !== 'function'
  ) {
    throw new TypeError(`${name}: option "signal" must be an AbortSignal`);
  }
  return timeout ?? fallback;
}

/** The request's `timeoutMs`, so the hub ends the call when the caller stops waiting. */
export function timeoutField(timeoutMs: number): { timeoutMs?: number } {
  return Number.isFinite(timeoutMs)
    ? { timeoutMs: Math.min(Math.ceil(timeoutMs), MAX_TIMER_MS) }
    : {};
}

/** What an aborted call rejects with; the signal's reason is its cause. */
export function cancelled(reason: unknown): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.CANCELLED,
    'The call was cancelled',
    reason === undefined ? {} : { cause: reason },
  );
}
