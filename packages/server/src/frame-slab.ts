import type { FrameDeflater } from './frame-deflate.ts';
import { textFrameHeaderLength, writeTextFrame } from './frame-encoder.ts';

/**
 * Bytes per chunk; a frame that does not fit in a fresh chunk gets a chunk of its own. A run
 * (see OutboundWriter) ends where a chunk ends, and what a connection gets after that goes
 * through its queue frame by frame: with 64 KB chunks a `#` subscriber of 10,000 agents
 * (~250 events a turn) crossed a chunk boundary most turns. At 512 KB it crosses one every
 * ~1,700 events; many publishers at 10,000 agents gained ~5% per server CPU-s.
 */
export const SLAB_CHUNK_BYTES = 512 * 1024;

/**
 * A stretch of memory holding live event frames back to back, in publish order, with each
 * frame's offset and topic. Frames delivered to a connection one after another in the same
 * chunk are adjacent bytes, so they go out as one view of the chunk: no copy, no
 * concatenation, no per-delivery allocation.
 */
export class SlabChunk {
  readonly buffer: Buffer;
  /** Where frame `i` starts; it ends where frame `i + 1` starts, or at `used`. */
  readonly starts: number[] = [];
  readonly offsets: number[] = [];
  readonly topics: string[] = [];
  used = 0;
  /** Compressed frames, made on demand for connections that negotiated permessage-deflate. */
  #deflated: Buffer[] | undefined;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafeSlow(size);
  }

  get count(): number {
    return this.starts.length;
  }

  /** First byte after frame `index`. */
  end(index: number): number {
    return index + 1 < this.starts.length ? this.starts[index + 1]! : this.used;
  }

  /** Frame `index` as a view of the chunk. */
  frame(index: number): Buffer {
    return this.buffer.subarray(this.starts[index]!, this.end(index));
  }

  /** Frames `from` to `to - 1`, which are adjacent, as one view. */
  span(from: number, to: number): Buffer {
    return this.buffer.subarray(this.starts[from]!, this.end(to - 1));
  }

  /** Bytes of frames `from` to `to - 1`. */
  bytes(from: number, to: number): number {
    return this.end(to - 1) - this.starts[from]!;
  }

  /**
   * Frame `index` as `deflater` compresses it: once per event, whatever the number of
   * subscribers that negotiated compression (the hub has one deflater, see FrameDeflater).
   */
  deflated(index: number, deflater: FrameDeflater): Buffer {
    this.#deflated ??= [];
    let frame = this.#deflated[index];
    if (frame === undefined) {
      frame = deflater.frames(this.frame(index));
      // An uncompressed frame stays a view of the chunk; a compressed one is its own buffer.
      this.#deflated[index] = frame;
    }
    return frame;
  }

  room(): number {
    return this.buffer.length - this.used;
  }
}

/** Frames live events into slab chunks: once per publish, whatever the number of subscribers. */
export class FrameSlab {
  #chunk: SlabChunk | undefined;

  /** Frames `text` (the event with this offset and topic); returns its chunk. Its index is `count - 1`. */
  append(text: string, offset: number, topic: string): SlabChunk {
    const length = Buffer.byteLength(text);
    const size = textFrameHeaderLength(length) + length;
    let chunk = this.#chunk;
    if (chunk === undefined || chunk.room() < size) {
      chunk = new SlabChunk(Math.max(SLAB_CHUNK_BYTES, size));
      this.#chunk = chunk;
    }
    chunk.starts.push(chunk.used);
    chunk.offsets.push(offset);
    chunk.topics.push(topic);
    chunk.used = writeTextFrame(chunk.buffer, chunk.used, text, length);
    return chunk;
  }
}

/**
 * A copy of `frame` when it is a small view of a much larger buffer (a slab chunk), so that
 * a frame waiting in a slow consumer's queue does not keep a whole chunk alive.
 */
export function detached(frame: Buffer): Buffer {
  return frame.buffer.byteLength >= SLAB_CHUNK_BYTES && frame.length * 4 < frame.buffer.byteLength
    ? Buffer.from(frame)
    : frame;
}
