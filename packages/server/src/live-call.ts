import type { RouterConnection } from './router-link.ts';

/**
 * @internal
 * One call to a client-hosted handler, from the request until its answer, its cancellation or
 * its timeout, and the credit of its streamed answer.
 *
 * Flow control counts chunks, not bytes: `window` is the credit the caller asked for (cut to
 * the hub's `maxStreamCredit`), `available` what the handler may still send, `outstanding` the
 * chunks relayed to the caller that it has not credited back. The caller credits a chunk once
 * it consumed it, and the hub passes on only as much credit as keeps `available + outstanding
 * <= window`, so at most `window` chunks of a call are ever between the handler and the
 * caller's application, whatever either side sends.
 */
export class LiveCall {
  /** Chunks the handler may still send. */
  available: number;
  /** Chunks relayed to the caller and not credited back yet. */
  outstanding = 0;
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** The hub's id for the call, on the frames to and from the handler. */
    readonly id: string,
    readonly caller: RouterConnection,
    /** The caller's request id, on the frames to and from the caller. */
    readonly requestId: string,
    readonly handler: RouterConnection,
    readonly method: string,
    /** The stream's credit window; 0 when the caller takes one reply. */
    readonly window: number,
    readonly timeoutMs: number,
  ) {
    this.available = window;
  }

  get streaming(): boolean {
    return this.window > 0;
  }

  /** The handler sent a chunk: false when it had no credit for it. */
  takeChunk(): boolean {
    if (this.available === 0) return false;
    this.available -= 1;
    this.outstanding += 1;
    return true;
  }

  /**
   * The caller credited `credit` chunks: the credit to pass on to the handler, which is 0 when
   * the window is already open that far (a caller cannot buy room beyond its window).
   */
  credit(credit: number): number {
    this.outstanding -= Math.min(credit, this.outstanding);
    const room = this.window - this.available - this.outstanding;
    const grant = Math.min(credit, room);
    this.available += grant;
    return grant;
  }
}
