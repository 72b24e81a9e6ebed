import type { LogEntry } from '@switchboard/router';
import { textFrameHeaderLength, writeTextFrame } from './frame-encoder.ts';

/**
 * Events of a replay, framed only when the socket can take them. A recovering client's gap
 * is held as the log entries it already is, not as thousands of serialized frames: memory
 * per recovering connection stays one array, however many reconnect at once, and each flush
 * frames just what fits in the socket's budget into a single buffer.
 */
export class ReplayStream {
  #at = 0;

  constructor(
    readonly entries: readonly LogEntry[],
    private readonly serialize: (entry: LogEntry) => string,
  ) {}

  /** Events not framed yet. */
  get remaining(): number {
    return this.entries.length - this.#at;
  }

  /**
   * Frames the next events, as many as fit in `budget` bytes but at least one, into one
   * buffer; `count` says how many. Undefined when nothing is left.
   */
  next(budget: number): { frame: Buffer; count: number } | undefined {
    const entries = this.entries;
    if (this.#at >= entries.length) return undefined;
    const texts: string[] = [];
    const lengths: number[] = [];
    let bytes = 0;
    while (this.#at < entries.length && (texts.length === 0 || bytes < budget)) {
      const text = this.serialize(entries[this.#at]!);
      const length = Buffer.byteLength(text);
      texts.push(text);
      lengths.push(length);
      bytes += textFrameHeaderLength(length) + length;
      this.#at += 1;
    }
    const frame = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (let i = 0; i < texts.length; i++) at = writeTextFrame(frame, at, texts[i]!, lengths[i]!);
    return { frame, count: texts.length };
  }
}
