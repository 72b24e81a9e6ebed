/**
 * Epochs name one life of a hub log. A new random epoch on every start tells a reconnecting
 * client that offsets from before are meaningless, so it resyncs instead of trusting them.
 */

/** Longest epoch the wire protocol accepts. */
export const MAX_EPOCH_LENGTH = 64;

/**
 * A fresh random epoch. `globalThis.crypto` exists on Node 20 and in browsers and workers,
 * so the router stays free of `node:` imports.
 */
export function newEpoch(): string {
  return globalThis.crypto.randomUUID();
}

/** Throws a TypeError unless `epoch` can be sent to clients. */
export function assertEpoch(epoch: unknown, option = 'epoch'): asserts epoch is string {
  if (typeof epoch !== 'string' || epoch.length === 0 || epoch.length > MAX_EPOCH_LENGTH) {
    throw new TypeError(
      `${option} must be a non-empty string of at most ${MAX_EPOCH_LENGTH} characters`,
    );
  }
}
