import { detached } from './frame-slab.ts';

/**
 * How a connection's outbound queue is bounded and what happens when it overflows. The names
 * are the WSRouter options that set them (the router hands them to the server on attach).
 */
export interface OutboundLimits {
  /** Events queued per connection before the slow-consumer policy applies. */
  queueSize: number;
  /** Bytes queued per connection, counting the socket's own buffer (`bufferedAmount`). */
  queueBytes: number;
  /**
   * `drop-oldest` drops the oldest queued events and tells the client the offsets it missed;
   * `disconnect` closes the connection with 4004 so the client reconnects and recovers.
   */
  slowConsumerPolicy: 'drop-oldest' | 'disconnect';
}

export const DEFAULT_OUTBOUND_LIMITS: Readonly<OutboundLimits> = {
  queueSize: 1000,
  queueBytes: 8 * 1024 * 1024,
  slowConsumerPolicy: 'drop-oldest',
};

/** A contiguous run of this connection's events that was dropped. */
export interface DroppedRange {
  fromOffset: number;
  toOffset: number;
  count: number;
}

/** Offset marking a dropped entry: it stays in place until the head passes it. */
const DROPPED = -1;

/**
 * A FIFO of pre-framed buffers. Events carry their offset (control frames 0) so drops can
 * be reported as offset ranges. Parallel arrays with a moving head: no per-entry objects.
 *
 * Dropping the oldest event is O(1) amortized even when control frames wait ahead of it:
 * the event is marked dropped in place (skipped when the head reaches it), and a cursor
 * remembers where the next oldest event can be.
 */
export class OutboundQueue {
  #frames: Buffer[] = [];
  #offsets: number[] = [];
  #topics: (string | undefined)[] = [];
  #head = 0;
  /** Entries not dropped. */
  #length = 0;
  #bytes = 0;
  #eventBytes = 0;
  #events = 0;
  /** No event waits before this index. */
  #eventCursor = 0;
  /** Frames before this index were already passed through `detached`. */
  #checked = 0;
  #replyCharge = 0;

  /** `replyChargeCap`: the most one control frame counts in `replyCharge`. */
  constructor(private readonly replyChargeCap = Number.POSITIVE_INFINITY) {}

  /**
   * Bytes of control frames (replies, server sends) waiting, each counted up to
   * `replyChargeCap`: what WSServer's `replyQueueBytes` bounds.
   */
  get replyCharge(): number {
    return this.#replyCharge;
  }

  get length(): number {
    return this.#length;
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
    this.#length += 1;
    this.#bytes += frame.length;
    if (offset > 0) {
      this.#events += 1;
      this.#eventBytes += frame.length;
    } else {
      this.#replyCharge += Math.min(frame.length, this.replyChargeCap);
    }
  }

  /** Removes and returns the oldest frame. */
  shift(): Buffer | undefined {
    const frames = this.#frames;
    const offsets = this.#offsets;
    while (this.#head < frames.length && offsets[this.#head] === DROPPED) this.#head += 1;
    if (this.#head >= frames.length) {
      this.#compact();
      return undefined;
    }
    const at = this.#head;
    const frame = frames[at]!;
    if (offsets[at]! > 0) {
      this.#events -= 1;
      this.#eventBytes -= frame.length;
    } else {
      this.#replyCharge -= Math.min(frame.length, this.replyChargeCap);
    }
    frames[at] = EMPTY;
    this.#topics[at] = undefined;
    this.#head = at + 1;
    this.#length -= 1;
    this.#bytes -= frame.length;
    this.#compact();
    return frame;
  }

  /** Topic of the event `dropOldestEvent` dropped last. */
  droppedTopic = '';

  /** Drops the oldest event (control frames stay); returns its offset, or -1 when none is queued. */
  dropOldestEvent(): number {
    if (this.#events === 0) return -1;
    const offsets = this.#offsets;
    let at = Math.max(this.#head, this.#eventCursor);
    while (offsets[at]! <= 0) at += 1;
    const offset = offsets[at]!;
    const topic = this.#topics[at]!;
    const length = this.#frames[at]!.length;
    this.#bytes -= length;
    this.#eventBytes -= length;
    this.#events -= 1;
    this.#length -= 1;
    this.#frames[at] = EMPTY;
    this.#topics[at] = undefined;
    offsets[at] = DROPPED;
    this.#eventCursor = at + 1;
    if (at === this.#head) {
      this.#head = at + 1;
      this.#compact();
    }
    this.droppedTopic = topic;
    return offset;
  }

  /** Copies queued frames that are small views of slab chunks, each frame once. */
  detach(): void {
    const frames = this.#frames;
    for (let i = Math.max(this.#head, this.#checked); i < frames.length; i++) {
      frames[i] = detached(frames[i]!);
    }
    this.#checked = frames.length;
  }

  clear(): void {
    this.#frames = [];
    this.#offsets = [];
    this.#topics = [];
    this.#head = 0;
    this.#length = 0;
    this.#bytes = 0;
    this.#eventBytes = 0;
    this.#events = 0;
    this.#eventCursor = 0;
    this.#checked = 0;
    this.#replyCharge = 0;
  }

  #compact(): void {
    if (this.#length === 0) {
      this.#frames.length = 0;
      this.#offsets.length = 0;
      this.#topics.length = 0;
      this.#head = 0;
      this.#eventCursor = 0;
      this.#checked = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#frames.length) {
      const head = this.#head;
      this.#frames = this.#frames.slice(head);
      this.#offsets = this.#offsets.slice(head);
      this.#topics = this.#topics.slice(head);
      this.#eventCursor = Math.max(0, this.#eventCursor - head);
      this.#checked = Math.max(0, this.#checked - head);
      this.#head = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);
