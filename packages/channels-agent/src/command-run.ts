import type { HubServingClient } from '@switchboard/channels-core';
import { checkDuration, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { CommandFollower } from './command-follower.ts';
import { AGENT_TERMINAL_CHANNEL, commandMethods, terminalTopic } from './terminal-channel.ts';
import type { CommandExitEvent, CommandRequest, TerminalEvent } from './terminal-schemas.ts';

export interface RunCommandOptions {
  args?: string[];
  /** The command's id (one topic segment); a fresh random one by default. */
  commandId?: string;
  /** Aborting it interrupts the command. */
  signal?: AbortSignal;
  /** How many output batches the agent may run ahead of your reading. @default 16 */
  credit?: number;
  /** The call's deadline; the hub's `maxCallTimeoutMs` bounds it anyway. */
  timeout?: number;
  /** After an interrupt, how long to wait for the agent's exit event in the log. @default 10_000 */
  exitTimeoutMs?: number;
}

/**
 * A command running on an agent, as its caller sees it: iterate it for the events (start,
 * output batches, exit) as the agent streams them, within `credit`; `interrupt()` (or the
 * `signal`) stops the command, after which the exit event, saying `interrupted`, comes from
 * the hub's log. `result` settles with the exit event as the iteration reaches it; `wait()`
 * iterates for you. If the agent dies mid-command the iteration (and `result`) fail with
 * HANDLER_GONE.
 */
export class CommandRun implements AsyncIterable<TerminalEvent> {
  readonly agentId: string;
  readonly commandId: string;
  readonly topic: string;
  readonly result: Promise<CommandExitEvent>;
  readonly #hub: HubServingClient;
  readonly #controller = new AbortController();
  readonly #exitTimeoutMs: number;
  readonly #events: AsyncGenerator<TerminalEvent>;
  #settle!: { resolve: (exit: CommandExitEvent) => void; reject: (error: unknown) => void };
  #iterated = false;
  #lastSeq = 0;
  #missed = 0;

  constructor(
    hub: HubServingClient,
    agentId: string,
    command: string,
    options: RunCommandOptions = {},
  ) {
    if (typeof hub.requestStream !== 'function') {
      throw new TypeError(
        "runCommand needs a hub client that reads streams (WSClient's requestStream)",
      );
    }
    const { exitTimeoutMs = 10_000 } = options;
    checkDuration('runCommand', 'exitTimeoutMs', exitTimeoutMs);
    this.#hub = hub;
    this.agentId = agentId;
    this.commandId = options.commandId ?? newCommandId();
    this.topic = terminalTopic(agentId, this.commandId);
    this.#exitTimeoutMs = exitTimeoutMs;
    this.result = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.result.catch(() => undefined);
    const { signal } = options;
    if (signal !== undefined) {
      if (signal.aborted) this.#controller.abort(signal.reason);
      else
        signal.addEventListener('abort', () => this.#controller.abort(signal.reason), {
          once: true,
        });
    }
    const request: CommandRequest = {
      command,
      commandId: this.commandId,
      ...(options.args === undefined ? {} : { args: options.args }),
    };
    const stream = hub.requestStream(commandMethods.exec(agentId), request, {
      signal: this.#controller.signal,
      ...(options.credit === undefined ? {} : { credit: options.credit }),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    });
    this.#events = this.#run(stream);
  }

  /** Output batches the agent dropped for this slow caller (they are in the hub's log). */
  get missed(): number {
    return this.#missed;
  }

  get interrupted(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Interrupts the command: the agent's signal fires, and the exit says `interrupted`. */
  interrupt(reason = 'Interrupted by the caller'): void {
    this.#controller.abort(new SwitchboardError(ErrorCode.CANCELLED, reason));
  }

  [Symbol.asyncIterator](): AsyncIterator<TerminalEvent> {
    if (this.#iterated) throw new TypeError('A CommandRun can be iterated once');
    this.#iterated = true;
    return this.#events;
  }

  /**
   * Reads the rest of the events (those nobody read yet; they are gone for an iteration
   * under way) and resolves with the exit.
   */
  async wait(): Promise<CommandExitEvent> {
    this.#iterated = true;
    for (let step = await this.#events.next(); !step.done; step = await this.#events.next()) {
      // only the exit matters here
    }
    return this.result;
  }

  async *#run(stream: AsyncIterableIterator<unknown>): AsyncGenerator<TerminalEvent> {
    let settled = false;
    try {
      try {
        for await (const item of stream) {
          const event = this.#parse(item);
          if (event.seq <= this.#lastSeq) continue;
          this.#missed += event.seq - this.#lastSeq - 1;
          this.#lastSeq = event.seq;
          if (event.type === 'exit') {
            settled = true;
            this.#settle.resolve(event);
          }
          yield event;
          if (event.type === 'exit') return;
        }
      } catch (error) {
        if (!this.interrupted) {
          settled = true;
          this.#settle.reject(error);
          throw error;
        }
      }
      if (!this.interrupted) {
        const error = new SwitchboardError(
          ErrorCode.INTERNAL_ERROR,
          `The stream of command ${this.commandId} ended without its exit`,
        );
        settled = true;
        this.#settle.reject(error);
        throw error;
      }
      // Interrupted: the agent publishes the exit to the log; the call itself is over.
      const exit = await this.#exitFromLog();
      settled = true;
      this.#settle.resolve(exit);
      yield exit;
    } finally {
      if (!settled) {
        // The reader stopped early (`break`): that cancelled the call, so the command is
        // interrupted; `result` still gets its exit, from the log.
        this.#controller.abort(
          new SwitchboardError(ErrorCode.CANCELLED, 'The caller stopped reading'),
        );
        this.#exitFromLog().then(
          (exit) => this.#settle.resolve(exit),
          () => undefined,
        );
      }
    }
  }

  async #exitFromLog(): Promise<CommandExitEvent> {
    const follower = new CommandFollower(this.#hub, this.agentId, this.commandId, {
      since: 'last',
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        follower.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new SwitchboardError(
                  ErrorCode.TIMEOUT,
                  `No exit of interrupted command ${this.commandId} within ${this.#exitTimeoutMs} ms`,
                ),
              ),
            this.#exitTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      this.#settle.reject(error);
      throw error;
    } finally {
      clearTimeout(timer);
      await follower.close().catch(() => undefined);
    }
  }

  #parse(item: unknown): TerminalEvent {
    const parsed = AGENT_TERMINAL_CHANNEL.parseEvent({
      topic: this.topic,
      data: item,
      sequenceNumber: 0,
      offset: 0,
      epoch: '',
      timestamp: 0,
    });
    return parsed!.payload as TerminalEvent;
  }
}

/** A random command id: time plus randomness, base 36, one topic segment. */
export function newCommandId(): string {
  const random = Math.floor(Math.random() * 36 ** 8)
    .toString(36)
    .padStart(8, '0');
  return `c${Date.now().toString(36)}${random}`;
}
