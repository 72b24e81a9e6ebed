import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

/** What the output buffers before `write` returns false (the write path then waits for drain). */
const HIGH_WATER = 16 * 1024;

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const DATA_LINE = Buffer.from('\ndata: ');
const EVENT_END = Buffer.from('\n\n');

/**
 * @internal
 * The write side of an SSE session. The hub's write path (OutboundWriter) writes RFC 6455
 * frames, as it does to a WebSocket's TCP socket; this stream takes each frame's payload (one
 * JSON frame of the protocol) and writes it to the current event-stream response as one
 * event, `id: <n>` then `data: <frame>`. So both transports share one write path: the same
 * runs, queues, byte bounds and slow-consumer policy, and `writableLength` is what waits here.
 *
 * The response may go away (a proxy cut it, the network changed) while the session lives on:
 * writes then wait, so the write path sees a socket that does not drain, until the client
 * comes back with `Last-Event-ID` (see `attach`). The last `resumeBytes` of events written are
 * kept, so events that were written to a response the client never fully read are written
 * again on the new one, and none is lost or repeated.
 */
export class SseOutput extends Writable {
  #response: ServerResponse | undefined;
  /** Id of the last event made. */
  #seq = 0;
  /** Id of the last event written to a response. */
  #sent = 0;
  /** Events kept for resume (oldest first, from `#head`), with their ids. */
  #events: Buffer[] = [];
  #ids: number[] = [];
  #head = 0;
  #keptBytes = 0;
  /** Bytes of a frame split across writes (the hub never splits one; kept to be safe). */
  #partial: Buffer | undefined;
  /** The write (or the final close event) waiting for a response or for it to drain. */
  #waiting: ((error?: Error | null) => void) | undefined;
  #draining = false;
  /** The last event, written by `_final` once everything before it is out. */
  #closeEvent: string | undefined;

  constructor(private readonly resumeBytes: number) {
    super({ highWaterMark: HIGH_WATER, decodeStrings: true });
  }

  /** Whether a response is attached now. */
  get attached(): boolean {
    return this.#response !== undefined;
  }

  /** Id of the last event made (what a client that read everything sends as Last-Event-ID). */
  get lastEventId(): number {
    return this.#seq;
  }

  /**
   * Continues the stream on `response`, after event `lastEventId` (what the client read last):
   * the kept events after it are written again, then the stream goes on. False, and nothing
   * is attached, when events after it are no longer kept (or it is ahead of the stream).
   */
  attach(response: ServerResponse, lastEventId: number): boolean {
    if (!this.canResume(lastEventId)) return false;
    this.detach();
    this.#response = response;
    this.#sent = lastEventId;
    response.once('close', () => {
      if (this.#response === response) this.detach();
    });
    this.#pump();
    return true;
  }

  /** Whether every event after `lastEventId` is still kept (or none came after it). */
  canResume(lastEventId: number): boolean {
    const oldest = this.#head < this.#ids.length ? this.#ids[this.#head]! : this.#seq + 1;
    return lastEventId <= this.#seq && lastEventId >= oldest - 1;
  }

  /** Forgets the current response (it closed); writes wait for the next one. */
  detach(): void {
    const response = this.#response;
    this.#response = undefined;
    this.#draining = false;
    if (response !== undefined && !response.writableEnded) response.end();
  }

  /** Destroys the current response's TCP connection, as a network failure would (tests). */
  cut(): boolean {
    const response = this.#response;
    if (response === undefined) return false;
    this.#response = undefined;
    response.socket?.destroy();
    return true;
  }

  /** Writes an SSE comment or event text directly (keep-alives, the session event). */
  writeControl(text: string): boolean {
    const response = this.#response;
    if (response === undefined) return false;
    response.write(text);
    return true;
  }

  /** The event `_final` writes last, after everything queued (the close). */
  setCloseEvent(text: string): void {
    this.#closeEvent = text;
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.#frame(chunk);
    this.#waiting = callback;
    this.#pump();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#waiting = (error) => {
      const response = this.#response;
      if (response !== undefined && this.#closeEvent !== undefined) {
        response.end(this.#closeEvent);
        this.#response = undefined;
      }
      callback(error);
    };
    this.#pump();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const response = this.#response;
    this.#response = undefined;
    response?.destroy();
    this.#events = [];
    this.#ids = [];
    callback(error);
  }

  /** Writes the events not yet written to the response, then lets the next write come. */
  #pump(): void {
    const response = this.#response;
    if (response === undefined || this.#draining) return;
    if (this.#sent < this.#seq) {
      const bytes = this.#unsent();
      this.#sent = this.#seq;
      this.#trim();
      if (!response.write(bytes)) {
        this.#draining = true;
        response.once('drain', () => {
          if (this.#response !== response) return;
          this.#draining = false;
          this.#pump();
        });
        return;
      }
    }
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  /** The kept events after `#sent`, as one buffer. */
  #unsent(): Buffer {
    let from = this.#ids.length;
    while (from > this.#head && this.#ids[from - 1]! > this.#sent) from -= 1;
    return from === this.#ids.length - 1
      ? this.#events[from]!
      : Buffer.concat(this.#events.slice(from));
  }

  /** Drops kept events beyond `resumeBytes`, oldest first; unwritten ones are always kept. */
  #trim(): void {
    while (
      this.#head < this.#ids.length &&
      this.#keptBytes > this.resumeBytes &&
      this.#ids[this.#head]! <= this.#sent
    ) {
      this.#keptBytes -= this.#events[this.#head]!.length;
      this.#head += 1;
    }
    if (this.#head > 64 && this.#head * 2 > this.#ids.length) {
      this.#events = this.#events.slice(this.#head);
      this.#ids = this.#ids.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Turns the WebSocket frames of `chunk` into events and keeps them. */
  #frame(chunk: Buffer): void {
    let bytes = chunk;
    if (this.#partial !== undefined) {
      bytes = Buffer.concat([this.#partial, chunk]);
      this.#partial = undefined;
    }
    let at = 0;
    while (at < bytes.length) {
      const frame = frameAt(bytes, at);
      if (frame === undefined) {
        this.#partial = bytes.subarray(at);
        return;
      }
      this.#keep(toEvent(++this.#seq, bytes.subarray(frame.payload, frame.end)));
      at = frame.end;
    }
  }

  #keep(event: Buffer): void {
    this.#events.push(event);
    this.#ids.push(this.#seq);
    this.#keptBytes += event.length;
  }
}

/** Where the payload of the unmasked frame at `at` starts and ends; undefined if incomplete. */
function frameAt(bytes: Buffer, at: number): { payload: number; end: number } | undefined {
  if (bytes.length - at < 2) return undefined;
  const short = bytes[at + 1]! & 0x7f;
  let payload = at + 2;
  let length = short;
  if (short === 126) {
    if (bytes.length - at < 4) return undefined;
    length = bytes.readUInt16BE(at + 2);
    payload = at + 4;
  } else if (short === 127) {
    if (bytes.length - at < 10) return undefined;
    length = bytes.readUInt32BE(at + 2) * 2 ** 32 + bytes.readUInt32BE(at + 6);
    payload = at + 10;
  }
  const end = payload + length;
  return end > bytes.length ? undefined : { payload, end };
}

/**
 * One event: `id: <n>\ndata: <payload>\n\n`. JSON may contain line breaks only as whitespace
 * between tokens (a client's pretty-printed payload, passed through as it came); each line
 * then gets its own `data:` field, and the client's parser joins them with `\n`: the same JSON.
 */
export function toEvent(id: number, payload: Buffer): Buffer {
  const head = Buffer.from(`id: ${id}\ndata: `);
  if (payload.indexOf(NEWLINE) === -1 && payload.indexOf(RETURN) === -1) {
    return Buffer.concat([head, payload, EVENT_END], head.length + payload.length + 2);
  }
  const lines = payload.toString('utf8').split(/\r\n|\r|\n/);
  const parts: Buffer[] = [head];
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) parts.push(DATA_LINE);
    parts.push(Buffer.from(lines[i]!));
  }
  parts.push(EVENT_END);
  return Buffer.concat(parts);
}
