/**
 * @internal
 * One limit: a bucket of `capacity` tokens refilled continuously at `perMs` tokens per
 * millisecond; each frame takes one token.
 */
export interface BucketSpec {
  readonly capacity: number;
  readonly perMs: number;
}

/**
 * Float slack, in tokens: a bucket refilled for exactly the promised wait must pass, and
 * 0.4 tokens short at 2 per second must promise 200 ms, not 201.
 */
const EPSILON = 1e-6;

/**
 * @internal
 * A token bucket with lazy refill: no timer, two numbers of state. The refill since the last
 * look is computed from the clock the caller passes (monotonic milliseconds), so a bucket
 * nobody uses costs nothing and tests drive time by hand.
 */
export class TokenBucket<Spec extends BucketSpec = BucketSpec> {
  #tokens: number;
  #at: number;

  constructor(
    public spec: Spec,
    now: number,
  ) {
    this.#tokens = spec.capacity;
    this.#at = now;
  }

  /** Tokens left at `now` (fractional while refilling). */
  tokens(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /**
   * Milliseconds until a token is available at `now`: 0 when one is there to take. Always a
   * whole number, at least 1 when the bucket is empty, so a client that waits that long passes.
   */
  wait(now: number): number {
    this.#refill(now);
    const missing = 1 - this.#tokens;
    if (missing <= EPSILON) return 0;
    return Math.max(1, Math.ceil((missing - EPSILON / 10) / this.spec.perMs));
  }

  /** Takes one token; call after `wait()` returned 0 for the same `now`. */
  take(): void {
    this.#tokens -= 1;
  }

  /** Another limit for the same bucket: the tokens it holds carry over, up to the new capacity. */
  reconfigure(spec: Spec, now: number): void {
    this.#refill(now);
    this.spec = spec;
    if (this.#tokens > spec.capacity) this.#tokens = spec.capacity;
  }

  #refill(now: number): void {
    // A clock that stepped back (it should not: callers pass a monotonic one) refills nothing.
    const elapsed = now - this.#at;
    if (elapsed <= 0) return;
    this.#at = now;
    const { capacity, perMs } = this.spec;
    if (this.#tokens >= capacity) return;
    const tokens = this.#tokens + elapsed * perMs;
    this.#tokens = Math.min(tokens, capacity);
  }
}
