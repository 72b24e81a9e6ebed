import { type ClientFrame, parseClientFrame } from '@switchboard/protocol';

/** Frame types whose valid form with an `id` is answered with that id (docs/protocol.md). */
const ANSWERED = new Set<ClientFrame['type']>([
  'auth',
  'subscribe',
  'unsubscribe',
  'publish',
  'request',
  'handle',
  'unhandle',
  'ping',
]);

export interface Expectation {
  /** The id the answer must carry, when the frame expects one. */
  id?: string;
  /** The parsed frame when it is valid, as the hub will see it. */
  frame?: ClientFrame;
}

/**
 * What the hub owes a frame, judged by the protocol's own parser on the bytes the hub gets:
 * a frame that fails validation and has a usable id gets an `error` with it; a valid frame
 * with an id gets its answer unless the protocol says it is not answered (`pong`, the frames
 * of a call, `cancel`, `credit`, and a publish with `ack: false`).
 */
export function expectationOf(bytes: Buffer): Expectation {
  const parsed = parseClientFrame(bytes);
  if (!parsed.ok) return parsed.id === undefined ? {} : { id: parsed.id };
  const frame = parsed.frame;
  if (!ANSWERED.has(frame.type) || !('id' in frame) || typeof frame.id !== 'string') {
    return { frame };
  }
  if (frame.type === 'publish' && frame.ack === false) return { frame };
  return { id: frame.id, frame };
}

/** Ids a connection still waits answers for, with when each was sent. */
export class Outstanding {
  readonly #sent = new Map<string, number>();

  get size(): number {
    return this.#sent.size;
  }

  add(id: string, at: number): void {
    this.#sent.set(id, at);
  }

  /** True when `id` was outstanding. */
  settle(id: string): boolean {
    return this.#sent.delete(id);
  }

  /** Every id still outstanding, and forgets them. */
  takeAll(): string[] {
    const ids = [...this.#sent.keys()];
    this.#sent.clear();
    return ids;
  }

  /** The oldest send time still outstanding, or undefined. */
  oldest(): number | undefined {
    for (const at of this.#sent.values()) return at;
    return undefined;
  }
}
