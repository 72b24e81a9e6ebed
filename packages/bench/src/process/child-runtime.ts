import { formatError } from '../log.ts';
import { type CommandMap, isNotify, isRequest } from './rpc.ts';

export type Handlers<C extends CommandMap> = {
  [K in keyof C]: (args: C[K]['args']) => C[K]['result'] | Promise<C[K]['result']>;
};

export type NotifyHandlers = Record<string, (args: never) => void>;

/** The child's JSON config, passed as the first argument by `spawnChild`. */
export function childConfig<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('child started without a config argument');
  return JSON.parse(raw) as T;
}

/** Sends an unsolicited event to the orchestrator. */
export function emit(event: string, data: unknown = null): void {
  if (process.connected) process.send?.({ event, data });
}

/**
 * Answers the orchestrator's commands. The child exits when the orchestrator goes away
 * (IPC disconnect), so a crashed run never leaves load generators behind.
 */
export function serve<C extends CommandMap>(
  handlers: Handlers<C>,
  notifications: NotifyHandlers = {},
): void {
  process.on('message', (message: unknown) => {
    if (isNotify(message)) {
      const handler = notifications[message.notify];
      handler?.(message.args as never);
      return;
    }
    if (!isRequest(message)) return;
    const handler = handlers[message.cmd as keyof C];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.cmd}`);
        return handler(message.args as C[keyof C]['args']);
      })
      .then(
        (result) => {
          if (process.connected) process.send?.({ rpc: message.rpc, ok: true, result });
        },
        (error: unknown) => {
          if (process.connected)
            process.send?.({ rpc: message.rpc, ok: false, error: formatError(error) });
        },
      );
  });
  process.on('disconnect', () => process.exit(0));
  // A graceful stop (see Child.kill): exit normally so profilers flush their output.
  process.on('SIGTERM', () => process.exit(0));
  process.on('uncaughtException', (error) => {
    process.stderr.write(`[child ${process.pid}] uncaught: ${formatError(error)}\n`);
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    process.stderr.write(`[child ${process.pid}] unhandled rejection: ${formatError(error)}\n`);
    process.exit(1);
  });
}

/** Forces a full GC when the process runs with --expose-gc. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  gc();
  return true;
}

export function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
