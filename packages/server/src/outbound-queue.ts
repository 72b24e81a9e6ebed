/** How a connection's outbound queue is bounded and what happens when it overflows. */
export interface OutboundLimits {
  /** Events queued per connection before the slow-consumer policy applies. */
  maxMessages: number;
  /** Bytes queued per connection, counting the socket's own buffer (`bufferedAmount`). */
  maxBytes: number;
  /**
   * `drop-oldest` drops the oldest queued events and tells the client the offsets it missed;
   * `disconnect` closes the connection with 4004 so the client reconnects and recovers.
   */
  policy: 'drop-oldest' | 'disconnect';
}

export const DEFAULT_OUTBOUND_LIMITS: OutboundLimits = {
  maxMessages: 1000,
  maxBytes: 8 * 1024 * 1024,
  policy: 'drop-oldest',
};

/** A contiguous run of this connection's events that was dropped. */
export interface DroppedRange {
  fromOffset: number;
  toOffset: number;
  count: number;
}

/**
 * A FIFO of pre-framed buffers. Events carry their offset (control frames 0) so drops can
 * be reported as offset ranges. Parallel arrays with a moving head: no per-entry objects.
 */
export class OutboundQueue {
  #frames: Buffer[] = [];
  #offsets: number[] = [];
  #topics: (string | undefined)[] = [];
  #head = 0;
  #bytes = 0;
  #eventBytes = 0;
  #events = 0;

  get length(): number {
    return this.#frames.length - this.#head;
  }

  /** Events waiting (control frames not counted). */
  get events(): number {
    return this.#events;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes of queued events (control frames not counted). */
  get eventBytes(): number {
    return this.#eventBytes;
  }

  push(frame: Buffer, offset: number, topic: string | undefined): void {
    this.#frames.push(frame);
    this.#offsets.push(offset);
    this.#topics.push(topic);
    this.#bytes += frame.length;
    if (offset > 0) {
      this.#events += 1;
      this.#eventBytes += frame.length;
    }
  }

  /** Removes and returns the oldest frame. */
  shift(): Buffer | undefined {
    if (this.#head >= this.#frames.length) return undefined;
    const frame = this.#frames[this.#head]!;
    if (this.#offsets[this.#head]! > 0) {
      this.#events -= 1;
      this.#eventBytes -= frame.length;
    }
    this.#frames[this.#head] = EMPTY;
    this.#head += 1;
    this.#bytes -= frame.length;
    this.#compact();
    return frame;
  }

  /** Drops the oldest event (control frames stay); returns its offset and topic. */
  dropOldestEvent(): { offset: number; topic: string } | undefined {
    let at = this.#head;
    while (at < this.#frames.length && this.#offsets[at] === 0) at += 1;
    if (at >= this.#frames.length) return undefined;
    const offset = this.#offsets[at]!;
    const topic = this.#topics[at]!;
    this.#bytes -= this.#frames[at]!.length;
    this.#eventBytes -= this.#frames[at]!.length;
    this.#events -= 1;
    if (at === this.#head) {
      this.#frames[at] = EMPTY;
      this.#head += 1;
      this.#compact();
    } else {
      // Only when control frames sit at the head, which is rare and short.
      this.#frames.splice(at, 1);
      this.#offsets.splice(at, 1);
      this.#topics.splice(at, 1);
    }
    return { offset, topic };
  }

  clear(): void {
    this.#frames = [];
    this.#offsets = [];
    this.#topics = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#eventBytes = 0;
    this.#events = 0;
  }

  #compact(): void {
    if (this.#head === this.#frames.length) {
      this.#frames.length = 0;
      this.#offsets.length = 0;
      this.#topics.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#frames.length) {
      this.#frames = this.#frames.slice(this.#head);
      this.#offsets = this.#offsets.slice(this.#head);
      this.#topics = this.#topics.slice(this.#head);
      this.#head = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);
