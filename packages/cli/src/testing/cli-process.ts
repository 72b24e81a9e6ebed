import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The package directory; the CLI runs there. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** The CLI bundled from source by `global-setup.ts` (inside the package, so its imports resolve). */
export const BUNDLE = fileURLToPath(new URL('../../.test-dist/main.js', import.meta.url));

/** Every wait in these tests is bounded; a hang fails with what the process printed so far. */
const WAIT_MS = 15_000;

/** One stream of a child, kept whole and as lines, with waits on what appears. */
class Output {
  text = '';
  #waiters = new Set<() => void>();

  push(chunk: Buffer): void {
    this.text += chunk.toString('utf8');
    for (const wake of this.#waiters) wake();
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line.length > 0);
  }

  /** Resolves with the first line matching, waiting for it to be printed. */
  waitForLine(match: RegExp | ((line: string) => boolean), what: string): Promise<string> {
    const test = typeof match === 'function' ? match : (line: string) => match.test(line);
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.lines.find(test);
        if (line === undefined) return false;
        cleanup();
        resolve(line);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no line ${String(match)} within ${WAIT_MS} ms (${what}):\n${this.text}`));
      }, WAIT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      const wake = () => void check();
      if (!check()) this.#waiters.add(wake);
    });
  }

  /** Waits until at least `count` lines match. */
  async waitForLines(match: RegExp, count: number, what: string): Promise<string[]> {
    let seen: string[] = [];
    await this.waitForLine(() => {
      seen = this.lines.filter((line) => match.test(line));
      return seen.length >= count;
    }, what);
    return seen;
  }
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: Output;
  readonly stderr: Output;
  /** Resolves with the exit code (or the signal's name) once the process ended. */
  readonly exited: Promise<number | string>;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (or piped in, when a stream); closed at once without it. */
  stdin?: string | NodeJS.ReadableStream;
  cwd?: string;
}

const live = new Set<ChildProcess>();

/** Spawns `switchboard <args>` (the bundle of the source). Kill what is left with `killAll()` after each test. */
export function startCli(args: readonly string[], options: RunOptions = {}): CliProcess {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // The test runner's own settings must not leak into the CLI under test.
  for (const key of Object.keys(env)) {
    if (key.startsWith('SWITCHBOARD_') && !(options.env && key in options.env)) delete env[key];
  }
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [BUNDLE, ...args], {
    cwd: options.cwd ?? PACKAGE_DIR,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  const stdout = new Output();
  const stderr = new Output();
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin!.on('error', () => {});
  if (typeof options.stdin === 'object') options.stdin.pipe(child.stdin!);
  else child.stdin!.end(options.stdin);
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return { child, stdout, stderr, exited };
}

export interface CliResult {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** Runs `switchboard <args>` to the end (bounded) and returns what it printed. */
export async function runCli(
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliResult> {
  const run = startCli(args, options);
  const code = await bounded(run, `switchboard ${args.join(' ')}`);
  return { code, stdout: run.stdout.text, stderr: run.stderr.text };
}

/** Runs a command that must fail with `code`, saying `message` on stderr. */
export async function expectExit(
  args: readonly string[],
  code: number,
  message: string | RegExp,
  options: RunOptions = {},
): Promise<CliResult> {
  const result = await runCli(args, options);
  expect(result.code, result.stderr).toBe(code);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  return result;
}

/** The exit of a process, or a failure with its output when it does not end in time. */
export async function bounded(
  run: CliProcess,
  what: string,
  ms = WAIT_MS,
): Promise<number | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(
        new Error(
          `${what} did not exit within ${ms} ms\nstdout:\n${run.stdout.text}\nstderr:\n${run.stderr.text}`,
        ),
      );
    }, ms);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills every CLI process a test left running. */
export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}
