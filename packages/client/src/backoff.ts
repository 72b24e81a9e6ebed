/** The reconnect schedule, kept pure so it can be tested without sockets or clocks. */
export interface BackoffOptions {
  /** Ceiling of the first delay, in ms. */
  reconnectIntervalMs: number;
  /** Upper bound of every ceiling, in ms. */
  maxReconnectIntervalMs: number;
  /** Growth of the ceiling per failed attempt. */
  reconnectMultiplier: number;
}

/**
 * Delay before reconnect attempt number `retry` (0 for the first retry after a drop).
 *
 * Full jitter, `random(0, min(max, initial * multiplier^retry))`, as in the AWS Architecture
 * Blog's "Exponential Backoff And Jitter": when a hub restarts, thousands of clients drop
 * at once, and only a delay drawn from the whole range spreads their returns out.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    options.maxReconnectIntervalMs,
    options.reconnectIntervalMs * options.reconnectMultiplier ** retry,
  );
  return Math.floor(random() * ceiling);
}
