import {
  type ClientFrame,
  ErrorCode,
  type InvokeFrame,
  type ServerFrame,
  SwitchboardError,
} from '@switchboard/protocol/wire';
import type { Handler, HandlerContext } from './api.ts';
import type { SessionPart } from './session-part.ts';

/** What the calls this client serves need from it. */
export interface ServedCallsHost {
  /** The handler serving `method` now, if any. */
  handlerOf(method: string): Handler | undefined;
  /**
   * Writes a frame of a call to the current socket, never queued: a call dies with its
   * connection. Returns the refusal when the frame is larger than the hub's `maxPayload`.
   */
  write(frame: ClientFrame): SwitchboardError | undefined;
}

/** One call this client is serving. */
class ServedCall {
  readonly controller = new AbortController();
  #wake: (() => void) | undefined;

  constructor(
    readonly id: string,
    /** Chunks it may still send; ignored unless the caller streams. */
    public credit: number,
  ) {}

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  abort(error: SwitchboardError): void {
    if (!this.aborted) this.controller.abort(error);
    this.wake();
  }

  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves on the next credit or the abort. */
  waitForCredit(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';

/**
 * The calls the hub invokes on this client's handlers: each runs its handler and sends the
 * answer (`reply`, or `chunk`s and `end`, or `fail`). A streamed answer pulls the handler's
 * iterator only while it has credit, so a slow caller slows the handler instead of filling
 * memory anywhere. A cancel, a timeout or the connection dropping aborts the call's signal,
 * stops pulling and closes the iterator (running a generator's `finally`).
 */
export class ServedCalls implements SessionPart {
  readonly #calls = new Map<string, ServedCall>();

  readonly #host: ServedCallsHost;

  constructor(host: ServedCallsHost) {
    this.#host = host;
  }

  get size(): number {
    return this.#calls.size;
  }

  frame(frame: ServerFrame): boolean {
    switch (frame.type) {
      case 'invoke':
        this.#invoke(frame);
        return true;
      case 'cancel': {
        this.#calls.get(frame.call)?.abort(new SwitchboardError(frame.code, frame.message));
        this.#calls.delete(frame.call);
        return true;
      }
      case 'credit': {
        const call = this.#calls.get(frame.call);
        if (call !== undefined) {
          call.credit += frame.credit;
          call.wake();
        }
        return true;
      }
      default:
        return false;
    }
  }

  restore(): void {}

  /** The connection ended: the hub failed these calls for their callers already. */
  ended(error: SwitchboardError): void {
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    for (const call of calls) call.abort(error);
  }

  #invoke(frame: InvokeFrame): void {
    const handler = this.#host.handlerOf(frame.method);
    if (handler === undefined) {
      // Unhandled while the hub was invoking it: the caller may try again elsewhere.
      const message = `This client no longer serves "${frame.method}"`;
      this.#host.write({ type: 'fail', call: frame.call, code: ErrorCode.NO_RESPONDERS, message });
      return;
    }
    const call = new ServedCall(frame.call, frame.credit ?? 0);
    this.#calls.set(call.id, call);
    const context: HandlerContext = {
      method: frame.method,
      callId: frame.call,
      caller: frame.caller,
      streaming: frame.credit !== undefined,
      timeoutMs: frame.timeoutMs,
      signal: call.controller.signal,
    };
    void this.#run(call, handler, frame.data, context).finally(() => {
      if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
    });
  }

  async #run(call: ServedCall, handler: Handler, data: unknown, context: HandlerContext) {
    try {
      const result = await handler(data, context);
      if (call.aborted) return;
      if (!isAsyncIterable(result)) {
        this.#send(call, { type: 'reply', call: call.id, data: result ?? null });
        return;
      }
      await this.#stream(call, result, context.streaming);
    } catch (error) {
      // After an abort nobody takes the answer, not even a failure.
      if (call.aborted) return;
      const failure = SwitchboardError.from(error);
      this.#send(call, {
        type: 'fail',
        call: call.id,
        code: failure.code,
        message: failure.message,
        ...(failure.details === undefined ? {} : { details: failure.details }),
      });
    }
  }

  async #stream(call: ServedCall, iterable: AsyncIterable<unknown>, streaming: boolean) {
    const iterator = iterable[Symbol.asyncIterator]();
    let complete = false;
    try {
      let last: unknown = null;
      for (;;) {
        while (streaming && call.credit === 0 && !call.aborted) await call.waitForCredit();
        if (call.aborted) return;
        const step = await iterator.next();
        if (call.aborted) return;
        if (step.done === true) break;
        if (!streaming) {
          last = step.value;
          continue;
        }
        call.credit -= 1;
        if (!this.#send(call, { type: 'chunk', call: call.id, data: step.value ?? null })) return;
      }
      complete = true;
      this.#send(
        call,
        streaming ? { type: 'end', call: call.id } : { type: 'reply', call: call.id, data: last },
      );
    } finally {
      // A generator stopped early gets to run its `finally` (kill the process, close a file).
      if (!complete) {
        try {
          await iterator.return?.();
        } catch {
          // The call is over either way; what its cleanup threw has nobody to go to.
        }
      }
    }
  }

  /** False when the frame could not go; then the call is aborted (and failed when possible). */
  #send(call: ServedCall, frame: ClientFrame): boolean {
    const refusal = this.#host.write(frame);
    if (refusal === undefined) return true;
    const message = `The answer to call "${call.id}" is larger than the hub's maxPayload`;
    const error = new SwitchboardError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      message,
      refusal.details ? { details: refusal.details } : {},
    );
    this.#host.write({ type: 'fail', call: call.id, code: error.code, message });
    call.abort(error);
    this.#calls.delete(call.id);
    return false;
  }
}
