/**
 * Microseconds on CLOCK_MONOTONIC. `process.hrtime` reads the system-wide monotonic clock on
 * Linux, so values taken in different processes on the same machine compare directly: the
 * publisher stamps its scheduled send time with it and subscribers subtract.
 */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
