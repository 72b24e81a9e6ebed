/** Why a long-running command (serve, sub, connect, monitor, bench) stopped. */
export type StopReason = 'signal' | 'duration' | 'done';

export interface Lifetime {
  /** Resolves once, with the first reason to stop. */
  readonly stopped: Promise<StopReason>;
  /** Ends the lifetime from the command itself (e.g. `--count` reached). */
  stop(reason?: StopReason): void;
  /** Removes the signal handlers and timers; call it when the command is done. */
  dispose(): void;
}

/**
 * Runs until SIGINT or SIGTERM, `durationMs`, or `stop()`. It holds a timer so that the
 * process stays up (the client's own timers are unref'd). A second signal while the
 * command is still cleaning up ends the process at once with exit code 130.
 */
export function lifetime(options: { durationMs?: number | undefined } = {}): Lifetime {
  let resolve!: (reason: StopReason) => void;
  let stopped = false;
  const promise = new Promise<StopReason>((r) => {
    resolve = r;
  });
  const keepAlive = setInterval(() => {}, 1 << 30);
  const deadline =
    options.durationMs === undefined
      ? undefined
      : setTimeout(() => stop('duration'), options.durationMs);
  const onSignal = () => {
    if (stopped) {
      process.stderr.write('second signal: stopping now\n');
      process.exit(130);
    }
    stop('signal');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  function stop(reason: StopReason = 'done'): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(deadline);
    resolve(reason);
  }
  return {
    stopped: promise,
    stop,
    dispose() {
      clearInterval(keepAlive);
      clearTimeout(deadline);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
