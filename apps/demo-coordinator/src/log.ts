/** How a line is coloured in a terminal. */
export type Tone = 'plain' | 'good' | 'warn' | 'bad' | 'accent' | 'dim';

/** Terminal output of the demo: one readable line per notable thing. */
export interface DemoLog {
  line(tag: string, message: string, tone?: Tone): void;
}

export interface TerminalLogOptions {
  /** @default process.stdout */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** ANSI colours. @default whether the stream is a TTY and NO_COLOR is unset */
  color?: boolean;
}

const COLORS: Record<Tone, string> = {
  plain: '',
  good: '\x1b[32m',
  warn: '\x1b[33m',
  bad: '\x1b[31m',
  accent: '\x1b[36m',
  dim: '\x1b[2m',
};
const RESET = '\x1b[0m';
const TAG_WIDTH = 9;

export function createTerminalLog(options: TerminalLogOptions = {}): DemoLog {
  const stream = options.stream ?? process.stdout;
  const color = options.color ?? (Boolean(stream.isTTY) && process.env.NO_COLOR === undefined);
  return {
    line(tag, message, tone = 'plain') {
      const time = new Date().toISOString().slice(11, 19);
      const label = tag.padEnd(TAG_WIDTH);
      const text = color
        ? `\x1b[2m${time}${RESET} ${COLORS[tone]}${label}${RESET} ${message}`
        : `${time} ${label} ${message}`;
      stream.write(`${text}\n`);
    },
  };
}

export const silentLog: DemoLog = { line() {} };

/** Keeps lines in memory, for tests. */
export function createMemoryLog(): DemoLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    line(tag, message) {
      lines.push(`${tag} ${message}`);
    },
  };
}
