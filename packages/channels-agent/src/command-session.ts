import {
  checkDuration,
  checkInteger,
  checkKnownOptions,
  SwitchboardError,
  withDefaults,
} from '@switchboard/protocol';
import { fit, utf8Length } from './log-stream.ts';
import type { LogStreamName } from './schemas.ts';
import type {
  CommandExitEvent,
  CommandOutputEvent,
  CommandStartEvent,
  TerminalChunk,
  TerminalEvent,
} from './terminal-schemas.ts';

export interface CommandOutputOptions {
  /** Most chunks in one output batch (one publish, one streamed item). @default 256 */
  maxBatchChunks?: number;
  /** Most UTF-8 bytes of text in one batch; a longer chunk is cut into pieces. @default 32_768 */
  maxBatchBytes?: number;
  /**
   * How long output waits for more before its batch goes: 0 is the next turn of the event
   * loop (everything a command wrote in one tick is one batch). @default 0
   */
  flushIntervalMs?: number;
  /**
   * Bytes of output kept while a publish is in flight (the hub is slower than the command).
   * Past it the oldest output is dropped and counted in the next batch's `dropped`.
   * @default 1_048_576
   */
  maxBufferedBytes?: number;
  /**
   * Bytes of published output kept for a caller that reads slower than the command writes.
   * Past it the caller loses its oldest unread output batches (a gap in `seq`, counted in
   * `CommandRun.missed`); the log still has them. @default 1_048_576
   */
  maxCallerBytes?: number;
}

export const COMMAND_OUTPUT_DEFAULTS = {
  maxBatchChunks: 256,
  maxBatchBytes: 32_768,
  flushIntervalMs: 0,
  maxBufferedBytes: 1_048_576,
  maxCallerBytes: 1_048_576,
} as const satisfies Required<CommandOutputOptions>;

export function resolveOutputOptions(
  owner: string,
  options: CommandOutputOptions,
  known: readonly string[] = [],
): Required<CommandOutputOptions> {
  checkKnownOptions(owner, options, [...Object.keys(COMMAND_OUTPUT_DEFAULTS), ...known]);
  const picked = Object.fromEntries(
    Object.keys(COMMAND_OUTPUT_DEFAULTS).map((key) => [
      key,
      (options as Record<string, unknown>)[key],
    ]),
  );
  const resolved: Required<CommandOutputOptions> = withDefaults(COMMAND_OUTPUT_DEFAULTS, picked);
  checkInteger(owner, 'maxBatchChunks', resolved.maxBatchChunks, { min: 1 });
  checkInteger(owner, 'maxBatchBytes', resolved.maxBatchBytes, { min: 1024 });
  checkInteger(owner, 'maxBufferedBytes', resolved.maxBufferedBytes, {
    min: resolved.maxBatchBytes,
  });
  checkInteger(owner, 'maxCallerBytes', resolved.maxCallerBytes, { min: resolved.maxBatchBytes });
  checkDuration(owner, 'flushIntervalMs', resolved.flushIntervalMs, { min: 0 });
  return resolved;
}

type Publish = (event: TerminalEvent) => Promise<unknown>;

export type CommandEnd = Pick<CommandExitEvent, 'status' | 'exitCode' | 'error'>;

/**
 * One running command on the agent: its events go to the hub's log one publish at a time
 * (waiting for the ack is the backpressure; output written meanwhile joins the next batch),
 * and, once acknowledged, to the caller's stream. Both buffers are bounded.
 */
export class CommandSession {
  readonly #base: { agentId: string; commandId: string };
  readonly #publish: Publish;
  readonly #onError: (error: SwitchboardError) => void;
  readonly #options: Required<CommandOutputOptions>;
  readonly #startedAt = Date.now();
  #seq = 0;
  #pending: TerminalChunk[] = [];
  #pendingBytes = 0;
  #droppedSinceBatch = 0;
  #droppedTotal = 0;
  #busy = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #idle: (() => void)[] = [];
  #ended = false;
  /** Acknowledged events the caller has not taken yet; undefined once the caller is gone. */
  #forCaller: TerminalEvent[] | undefined = [];
  #forCallerBytes = 0;
  #wake: (() => void) | undefined;

  constructor(
    ids: { agentId: string; commandId: string },
    publish: Publish,
    onError: (error: SwitchboardError) => void,
    options: Required<CommandOutputOptions>,
  ) {
    this.#base = ids;
    this.#publish = publish;
    this.#onError = onError;
    this.#options = options;
  }

  /** Publishes the `start` event; output written before it settles waits behind it. */
  start(fields: Pick<CommandStartEvent, 'command' | 'args' | 'caller'>): Promise<void> {
    const event: CommandStartEvent = {
      ...this.#next(),
      type: 'start',
      ...withoutUndefined(fields),
    };
    return this.#send(event);
  }

  /** Buffers output; never blocks, never throws. Ignored after the command ended. */
  write(text: string, stream: LogStreamName = 'stdout'): void {
    if (this.#ended) return;
    let rest = typeof text === 'string' ? text : String(text);
    const name: LogStreamName = stream === 'stderr' ? 'stderr' : 'stdout';
    while (rest.length > 0) {
      const piece = fit(rest, this.#options.maxBatchBytes);
      rest = rest.slice(piece.length);
      this.#pending.push({ stream: name, text: piece });
      this.#pendingBytes += utf8Length(piece);
    }
    while (this.#pendingBytes > this.#options.maxBufferedBytes) {
      const dropped = utf8Length(this.#pending.shift()!.text);
      this.#pendingBytes -= dropped;
      this.#droppedSinceBatch += dropped;
      this.#droppedTotal += dropped;
    }
    this.#schedule();
  }

  /** Sends what is buffered, then the `exit` event; later writes are ignored. */
  async end(end: CommandEnd): Promise<CommandExitEvent> {
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#busy || this.#pending.length > 0) {
      if (!this.#busy) this.#pump();
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
    const event: CommandExitEvent = {
      ...this.#next(),
      type: 'exit',
      ...withoutUndefined(end),
      dropped: this.#droppedTotal,
      durationMs: Date.now() - this.#startedAt,
    };
    await this.#send(event);
    return event;
  }

  /**
   * The caller's stream: every acknowledged event in order, up to `exit`. Ends when `signal`
   * aborts (the caller is gone; the command goes on to its exit in the log).
   */
  async *stream(signal: AbortSignal): AsyncGenerator<TerminalEvent> {
    try {
      for (;;) {
        const queue = this.#forCaller;
        const event = queue?.shift();
        if (event !== undefined) {
          this.#forCallerBytes -= sizeOf(event);
          yield event;
          if (event.type === 'exit') return;
          continue;
        }
        if (signal.aborted || queue === undefined) return;
        await new Promise<void>((resolve) => {
          const wake = () => {
            signal.removeEventListener('abort', wake);
            this.#wake = undefined;
            resolve();
          };
          this.#wake = wake;
          signal.addEventListener('abort', wake);
        });
      }
    } finally {
      this.#forCaller = undefined;
      this.#forCallerBytes = 0;
    }
  }

  /** Bytes held now: output not yet published, and published output the caller has not taken. */
  buffered(): { pendingBytes: number; callerBytes: number } {
    return { pendingBytes: this.#pendingBytes, callerBytes: this.#forCallerBytes };
  }

  /** The caller is gone: nothing more is kept for it. */
  detachCaller(): void {
    this.#forCaller = undefined;
    this.#forCallerBytes = 0;
    this.#wake?.();
  }

  #next(): { agentId: string; commandId: string; seq: number; at: number } {
    this.#seq += 1;
    return { ...this.#base, seq: this.#seq, at: Date.now() };
  }

  #schedule(): void {
    if (this.#busy || this.#timer !== undefined || this.#pending.length === 0 || this.#ended) {
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, this.#options.flushIntervalMs);
  }

  #pump(): void {
    if (this.#busy || this.#pending.length === 0) return;
    const chunks: TerminalChunk[] = [];
    let bytes = 0;
    while (this.#pending.length > 0 && chunks.length < this.#options.maxBatchChunks) {
      const size = utf8Length(this.#pending[0]!.text);
      if (chunks.length > 0 && bytes + size > this.#options.maxBatchBytes) break;
      chunks.push(this.#pending.shift()!);
      bytes += size;
    }
    this.#pendingBytes -= bytes;
    const event: CommandOutputEvent = {
      ...this.#next(),
      type: 'output',
      chunks,
      dropped: this.#droppedSinceBatch,
    };
    this.#droppedSinceBatch = 0;
    void this.#send(event);
  }

  #send(event: TerminalEvent): Promise<void> {
    this.#busy = true;
    let sending: Promise<unknown>;
    try {
      sending = this.#publish(event);
    } catch (error) {
      sending = Promise.reject(error);
    }
    return sending
      .then(
        () => undefined,
        (error: unknown) => this.#onError(SwitchboardError.from(error)),
      )
      .finally(() => {
        this.#busy = false;
        this.#toCaller(event);
        for (const resolve of this.#idle.splice(0)) resolve();
        this.#schedule();
      });
  }

  #toCaller(event: TerminalEvent): void {
    const queue = this.#forCaller;
    if (queue === undefined) return;
    queue.push(event);
    this.#forCallerBytes += sizeOf(event);
    // A caller far behind loses its oldest output (never start or exit): it is in the log.
    while (this.#forCallerBytes > this.#options.maxCallerBytes) {
      const index = queue.findIndex((queued) => queued.type === 'output');
      if (index < 0) break;
      this.#forCallerBytes -= sizeOf(queue[index]!);
      queue.splice(index, 1);
    }
    this.#wake?.();
  }
}

function sizeOf(event: TerminalEvent): number {
  if (event.type !== 'output') return 0;
  let bytes = 0;
  for (const chunk of event.chunks) bytes += utf8Length(chunk.text);
  return bytes;
}

function withoutUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}
