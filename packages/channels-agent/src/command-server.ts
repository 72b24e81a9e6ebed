import {
  type HubHandlerContext,
  type HubHandlerRegistration,
  type HubServingClient,
  parsePayload,
} from '@switchboard/channels-core';
import { checkInteger, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import {
  type CommandEnd,
  type CommandOutputOptions,
  CommandSession,
  resolveOutputOptions,
} from './command-session.ts';
import type { LogStreamName } from './schemas.ts';
import { commandMethods, terminalTopic } from './terminal-channel.ts';
import {
  type CommandExitEvent,
  CommandRequest,
  InterruptRequest,
  type TerminalEvent,
} from './terminal-schemas.ts';

/** What a command gets to run: where to write, and the signal that stops it. */
export interface CommandIO {
  readonly agentId: string;
  readonly commandId: string;
  /** The caller's principal id, if it had one. */
  readonly caller: string | undefined;
  /**
   * Aborts when the command must stop: the caller interrupted (its AbortSignal, or
   * `interruptCommand`), its call timed out, or the agent lost the hub.
   */
  readonly signal: AbortSignal;
  /** Buffers output (batched per tick); synchronous, never blocks. */
  write(text: string, stream?: LogStreamName): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Runs one command. Resolve with its exit code (undefined is 0); throw to fail it (a
 * SwitchboardError's code is kept). Stop when `io.signal` aborts: the command is then
 * reported as interrupted, however it ended.
 */
export type CommandExecutor = (
  request: CommandRequest,
  io: CommandIO,
) => // biome-ignore lint/suspicious/noConfusingVoidType: an `async` executor that returns nothing is `Promise<void>`.
Promise<number | undefined | void> | number | undefined | void;

export interface ServeCommandsOptions extends CommandOutputOptions {
  /** Command ids remembered to refuse a reused one (its topic already has a history). @default 1_024 */
  rememberCommandIds?: number;
  /**
   * Commands that may run at once on this agent; one more is refused with TOO_MANY_CALLS
   * (`details.maxRunning`) before it starts, and may be retried once one has ended.
   * @default 32
   */
  maxRunning?: number;
}

/** Default of `maxRunning`. */
export const DEFAULT_MAX_RUNNING = 32;

/** An agent's command service: `agent.<agentId>.exec` and `agent.<agentId>.interrupt`. */
export interface CommandService {
  /** Resolves when the hub registered both methods; rejects with its refusal (FORBIDDEN ...). */
  readonly ready: Promise<void>;
  /** Ids of the commands running now. */
  running(): string[];
  /**
   * What the running commands hold in memory (UTF-8 bytes of output): not yet published to
   * the log, and published but not yet taken by their callers. Each is bounded per command by
   * `maxBufferedBytes`.
   */
  stats(): { running: number; pendingBytes: number; callerBytes: number };
  /** Interrupts one running command; false when there is none by that id. */
  interrupt(commandId: string, reason?: string): boolean;
  /** Stops serving; commands under way are interrupted and run to their exit. */
  close(): Promise<void>;
}

interface Running {
  controller: AbortController;
  session: CommandSession;
  done: Promise<CommandExitEvent>;
}

export function serveCommands(
  hub: HubServingClient,
  agentId: string,
  executor: CommandExecutor,
  options: ServeCommandsOptions = {},
  onError: (error: SwitchboardError) => void = () => undefined,
): CommandService {
  const owner = 'serveCommands';
  if (typeof hub.handle !== 'function') {
    throw new TypeError(`${owner} needs a hub client that serves methods (WSClient's handle)`);
  }
  const output = resolveOutputOptions(owner, options, ['rememberCommandIds', 'maxRunning']);
  const remember = options.rememberCommandIds ?? 1_024;
  if (!Number.isInteger(remember) || remember < 1) {
    throw new TypeError(`${owner} option "rememberCommandIds" must be an integer >= 1`);
  }
  const maxRunning = options.maxRunning ?? DEFAULT_MAX_RUNNING;
  checkInteger(owner, 'maxRunning', maxRunning, { min: 1 });
  const running = new Map<string, Running>();
  /** Commands past the `maxRunning` check that are not in `running` yet (their start is async). */
  let starting = 0;
  const used = new Set<string>();
  const exec = commandMethods.exec(agentId);

  const start = async (data: unknown, context: HubHandlerContext) => {
    const request = parsePayload(CommandRequest, data, 'command request');
    if (running.size + starting >= maxRunning) {
      // Refused before its id is used: the caller may retry the same command later.
      throw new SwitchboardError(
        ErrorCode.TOO_MANY_CALLS,
        `Agent ${agentId} is running ${running.size + starting} commands, its limit (maxRunning ${maxRunning}); retry when one has ended`,
        { details: { maxRunning } },
      );
    }
    if (used.has(request.commandId)) {
      throw new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        `Command id ${JSON.stringify(request.commandId)} was already used on agent ${agentId}`,
        { details: { field: 'commandId' } },
      );
    }
    used.add(request.commandId);
    if (used.size > remember) used.delete(used.values().next().value!);
    const { commandId } = request;
    const topic = terminalTopic(agentId, commandId);
    const session = new CommandSession(
      { agentId, commandId },
      (event: TerminalEvent) => hub.publish(topic, event),
      onError,
      output,
    );
    const controller = new AbortController();
    const stop = () => {
      session.detachCaller();
      controller.abort(context.signal.reason);
    };
    context.signal.addEventListener('abort', stop, { once: true });
    // Cancelled before it got here: the command starts interrupted and ends at once.
    if (context.signal.aborted) stop();
    starting += 1;
    try {
      await session.start({ command: request.command, args: request.args, caller: context.caller });
    } finally {
      starting -= 1;
    }
    const io: CommandIO = {
      agentId,
      commandId,
      caller: context.caller,
      signal: controller.signal,
      write: (text, stream) => session.write(text, stream),
      stdout: (text) => session.write(text, 'stdout'),
      stderr: (text) => session.write(text, 'stderr'),
    };
    const done = run(executor, request, io).then((end) => {
      // Not running any more: an interrupt now is NOT_FOUND while the exit goes out.
      context.signal.removeEventListener('abort', stop);
      running.delete(commandId);
      return session.end(end);
    });
    running.set(commandId, { controller, session, done });
    return session.stream(context.signal);
  };

  const interrupt = (commandId: string, reason: string): boolean => {
    const command = running.get(commandId);
    if (command === undefined) return false;
    command.controller.abort(new SwitchboardError(ErrorCode.CANCELLED, reason));
    return true;
  };

  const registrations: HubHandlerRegistration[] = [
    hub.handle(exec, start),
    hub.handle(commandMethods.interrupt(agentId), (data, context) => {
      const { commandId } = parsePayload(InterruptRequest, data, 'interrupt request');
      if (!interrupt(commandId, `Interrupted by ${context.caller ?? 'a caller'}`)) {
        throw new SwitchboardError(
          ErrorCode.NOT_FOUND,
          `No command ${JSON.stringify(commandId)} is running on agent ${agentId}`,
          { details: { field: 'commandId' } },
        );
      }
      return { commandId, interrupted: true };
    }),
  ];
  const ready = Promise.all(registrations.map((registration) => registration.ready)).then(
    () => undefined,
  );
  ready.catch(() => undefined);

  return {
    ready,
    running: () => [...running.keys()],
    stats() {
      let pendingBytes = 0;
      let callerBytes = 0;
      for (const { session } of running.values()) {
        const held = session.buffered();
        pendingBytes += held.pendingBytes;
        callerBytes += held.callerBytes;
      }
      return { running: running.size, pendingBytes, callerBytes };
    },
    interrupt: (commandId, reason = 'Interrupted by the agent') => interrupt(commandId, reason),
    async close() {
      await Promise.all(registrations.map((registration) => registration.close()));
      for (const commandId of running.keys())
        interrupt(commandId, 'The agent stopped serving commands');
      await Promise.allSettled([...running.values()].map((command) => command.done));
    },
  };
}

/** Runs the executor and says how it ended. */
async function run(
  executor: CommandExecutor,
  request: CommandRequest,
  io: CommandIO,
): Promise<CommandEnd> {
  let exitCode: number | null = null;
  let error: CommandEnd['error'];
  try {
    const code = await executor(request, io);
    exitCode = typeof code === 'number' ? code : 0;
  } catch (thrown) {
    const failure = SwitchboardError.from(thrown);
    error = { code: failure.code, message: failure.message };
  }
  if (io.signal.aborted) {
    const reason = SwitchboardError.from(io.signal.reason, ErrorCode.CANCELLED);
    return {
      status: 'interrupted',
      exitCode,
      error: { code: reason.code, message: reason.message },
    };
  }
  if (error !== undefined) return { status: 'failed', exitCode, error };
  return { status: exitCode === 0 ? 'completed' : 'failed', exitCode };
}
