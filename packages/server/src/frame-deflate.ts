import { constants, deflateRawSync } from 'node:zlib';
import type { DeflateSettings } from './deflate-options.ts';
import { encodeTextFrame, textFrameHeaderLength } from './frame-encoder.ts';

/** FIN + RSV1 (compressed, RFC 7692 6) + text opcode. */
const COMPRESSED_TEXT = 0xc1;

/**
 * @internal
 * Compresses the hub's outbound messages for connections that negotiated permessage-deflate.
 * The hub negotiates `server_no_context_takeover`, so each message is compressed on its own
 * (a fresh zlib stream, ended with a sync flush whose 4-byte tail RFC 7692 7.2.1 drops): the
 * compressed bytes of a message do not depend on the connection, and a live event is
 * compressed once for every subscriber (see SlabChunk `deflated`). Messages under the
 * threshold, and those that would not shrink, go uncompressed (RSV1 clear), which the RFC
 * allows message by message.
 */
export class FrameDeflater {
  readonly #zlib: { level: number; memLevel: number; windowBits: number; finishFlush: number };

  constructor(readonly settings: DeflateSettings) {
    this.#zlib = {
      level: settings.level,
      memLevel: settings.memLevel,
      windowBits: settings.serverMaxWindowBits,
      finishFlush: constants.Z_SYNC_FLUSH,
    };
  }

  /** A text frame carrying `text`, compressed when it is worth it. */
  text(text: string): Buffer {
    const frame = encodeTextFrame(text);
    return this.frames(frame);
  }

  /**
   * `frames` (unmasked, unfragmented, uncompressed frames back to back, as frame-encoder
   * writes them) with the payload of each text frame of `threshold` bytes or more compressed.
   * Returns `frames` itself when nothing changed.
   */
  frames(frames: Buffer): Buffer {
    const parts: Buffer[] = [];
    let changed = false;
    let at = 0;
    while (at < frames.length) {
      const { headerLength, payloadLength } = readHeader(frames, at);
      const end = at + headerLength + payloadLength;
      const compressed =
        frames[at] === 0x81 && payloadLength >= this.settings.threshold
          ? this.#compress(frames.subarray(at + headerLength, end))
          : undefined;
      if (compressed === undefined) {
        parts.push(frames.subarray(at, end));
      } else {
        parts.push(compressed);
        changed = true;
      }
      at = end;
    }
    if (!changed) return frames;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** The compressed frame of `payload`; undefined when it would not be smaller. */
  #compress(payload: Buffer): Buffer | undefined {
    const deflated = deflateRawSync(payload, this.#zlib);
    // A sync flush ends with an empty stored block, 00 00 ff ff, which the receiver adds back.
    const length = deflated.length - 4;
    const headerLength = textFrameHeaderLength(length);
    if (headerLength + length >= textFrameHeaderLength(payload.length) + payload.length) {
      return undefined;
    }
    const frame = Buffer.allocUnsafe(headerLength + length);
    writeHeader(frame, length);
    deflated.copy(frame, headerLength, 0, length);
    return frame;
  }
}

function readHeader(frames: Buffer, at: number): { headerLength: number; payloadLength: number } {
  const length = frames[at + 1]! & 0x7f;
  if (length < 126) return { headerLength: 2, payloadLength: length };
  if (length === 126) return { headerLength: 4, payloadLength: frames.readUInt16BE(at + 2) };
  return {
    headerLength: 10,
    payloadLength: frames.readUInt32BE(at + 2) * 2 ** 32 + frames.readUInt32BE(at + 6),
  };
}

function writeHeader(frame: Buffer, length: number): void {
  frame[0] = COMPRESSED_TEXT;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
}

/** Whether the `extensions` a WebSocket negotiated (ws's `socket.extensions`) include deflate. */
export function negotiatedDeflate(extensions: string): boolean {
  return /(^|,)\s*permessage-deflate\s*(;|,|$)/.test(extensions);
}
