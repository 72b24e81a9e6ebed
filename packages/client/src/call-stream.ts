import type {
  ChunkFrame,
  EndFrame,
  ServerFrame,
  SwitchboardError,
} from '@switchboard/protocol/wire';
import type { RequestStream } from './api.ts';
import { type Deferred, deferred } from './async.ts';
import type { SessionPart } from './session-part.ts';

/** What one stream needs from the client. */
export interface StreamHost {
  /** Tells the hub this many more chunks may come (credit frame). */
  credit(id: string, credit: number): void;
  /** Gives up the call: rejects its pending reply, and cancels it at the hub when it was sent. */
  cancel(id: string): void;
  /** The stream ended: nothing waits for a reply to its request any more. */
  release(id: string): void;
}

/**
 * The caller's side of a streamed answer: chunks wait here, in order, until the application
 * pulls them, and only what it pulled is credited back. So the handler never runs more than
 * `window` chunks ahead of the application, and neither this buffer nor the hub holds more.
 * Credit goes back in batches of half the window, as HTTP/2's WINDOW_UPDATE usually does.
 */
export class CallStream<T> implements RequestStream<T> {
  readonly #items: T[] = [];
  #finished = false;
  #failure: SwitchboardError | undefined;
  #waiter: Deferred<IteratorResult<T, undefined>> | undefined;
  #consumed = 0;
  readonly #batch: number;

  readonly #host: StreamHost;
  readonly #onDone: () => void;

  constructor(
    readonly id: string,
    window: number,
    host: StreamHost,
    onDone: () => void,
  ) {
    this.#host = host;
    this.#onDone = onDone;
    this.#batch = Math.max(1, Math.floor(window / 2));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#items.length > 0) {
      const value = this.#items.shift() as T;
      this.#consumedOne();
      return Promise.resolve({ value, done: false });
    }
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#failure = undefined;
      return Promise.reject(failure);
    }
    if (this.#finished) return Promise.resolve({ value: undefined, done: true });
    this.#waiter = deferred();
    return this.#waiter.promise;
  }

  /** `break` out of `for await`: cancels the call unless it is over. */
  return(): Promise<IteratorResult<T, undefined>> {
    this.cancel();
    return Promise.resolve({ value: undefined, done: true });
  }

  cancel(): void {
    this.#items.length = 0;
    this.#failure = undefined;
    if (this.#finished) return;
    this.#finish();
    this.#host.cancel(this.id);
  }

  /** One chunk of the answer. */
  push(value: T): void {
    if (this.#finished) return;
    const waiter = this.#waiter;
    if (waiter === undefined) {
      this.#items.push(value);
      return;
    }
    this.#waiter = undefined;
    this.#consumedOne();
    waiter.resolve({ value, done: false });
  }

  /** The answer is complete (after the items already pushed). */
  end(): void {
    if (this.#finished) return;
    this.#finish();
    this.#host.release(this.id);
    this.#waiter?.resolve({ value: undefined, done: true });
    this.#waiter = undefined;
  }

  /** The call failed: the items already pushed come first, then this error. */
  fail(error: SwitchboardError): void {
    if (this.#finished) return;
    this.#finish();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter !== undefined) waiter.reject(error);
    else this.#failure = error;
  }

  #finish(): void {
    this.#finished = true;
    this.#onDone();
  }

  #consumedOne(): void {
    if (this.#finished) return;
    this.#consumed += 1;
    if (this.#consumed < this.#batch) return;
    const credit = this.#consumed;
    this.#consumed = 0;
    this.#host.credit(this.id, credit);
  }
}

/** The streams in flight, by request id: where `chunk` and `end` frames go. */
export class CallStreams implements SessionPart {
  readonly #streams = new Map<string, CallStream<unknown>>();

  open<T>(id: string, window: number, host: StreamHost): CallStream<T> {
    const stream = new CallStream<T>(id, window, host, () => this.#streams.delete(id));
    this.#streams.set(id, stream as CallStream<unknown>);
    return stream;
  }

  frame(frame: ServerFrame): boolean {
    if (frame.type !== 'chunk' && frame.type !== 'end') return false;
    const stream = this.#streams.get((frame as ChunkFrame | EndFrame).id);
    if (frame.type === 'chunk') stream?.push(frame.data);
    else stream?.end();
    return true;
  }

  // A stream's request is not retried after a drop: its pending reply fails it.
  restore(): void {}

  ended(): void {}
}
