import type { CommandExecutor, CommandIO } from '@switchboard/channels-agent';

/** What the demo's commands read from their agent. */
export interface CommandHost {
  /** Lines for `status`. */
  describe(): string[];
  /** The agent's recent log lines, oldest first, and new ones as they come. */
  logs: LogTail;
}

/** The last lines an agent logged, and listeners for the next ones (`tail logs`). */
export class LogTail {
  readonly #lines: string[] = [];
  readonly #listeners = new Set<(line: string) => void>();
  readonly #size: number;

  constructor(size = 50) {
    this.#size = size;
  }

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#size) this.#lines.shift();
    for (const listener of this.#listeners) listener(line);
  }

  recent(count: number): string[] {
    return this.#lines.slice(-count);
  }

  listen(listener: (line: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export const DEMO_COMMANDS = ['help', 'status', 'tail logs', 'sleep <seconds>'] as const;
const MAX_SLEEP_S = 60;

/**
 * The simulated agents' fixed command set. Each one writes output over time and stops when
 * its signal fires (the dashboard's interrupt):
 *
 * - `help`: the commands.
 * - `status`: the agent's status, task and counters.
 * - `tail logs`: the last 10 log lines, then every new one until interrupted (`tail -f`).
 * - `sleep <seconds>`: one line per second, at most 60.
 *
 * Anything else writes to stderr and exits 127, as a shell would.
 */
export function demoCommands(host: CommandHost): CommandExecutor {
  return async (request, io) => {
    const [name = '', ...rest] = request.command.trim().split(/\s+/);
    const args = [...rest, ...(request.args ?? [])];
    if (name === 'help') {
      io.stdout(`commands: ${DEMO_COMMANDS.join(', ')}\n`);
      return 0;
    }
    if (name === 'status') {
      for (const line of host.describe()) io.stdout(`${line}\n`);
      return 0;
    }
    if (name === 'tail' && args[0] === 'logs') return tail(host.logs, io);
    if (name === 'sleep') return sleep(Number(args[0] ?? 1), io);
    io.stderr(`${request.command}: command not found (try help)\n`);
    return 127;
  };
}

async function tail(logs: LogTail, io: CommandIO): Promise<number> {
  for (const line of logs.recent(10)) io.stdout(`${line}\n`);
  const stop = logs.listen((line) => io.stdout(`${line}\n`));
  try {
    await aborted(io.signal);
  } finally {
    stop();
  }
  return 130;
}

async function sleep(seconds: number, io: CommandIO): Promise<number> {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SLEEP_S) {
    io.stderr(`sleep: seconds must be an integer from 1 to ${MAX_SLEEP_S}\n`);
    return 2;
  }
  for (let second = 1; second <= seconds; second++) {
    if (!(await delay(1_000, io.signal))) return 130;
    io.stdout(`slept ${second}/${seconds} s\n`);
  }
  return 0;
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

/** True after `ms`, false as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
