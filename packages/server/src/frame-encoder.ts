/** Bytes of the header of an unmasked frame whose payload is `length` bytes (RFC 6455 5.2). */
export function textFrameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/**
 * Writes an unmasked text frame (FIN set) carrying `text`, whose UTF-8 length is `length`,
 * into `target` at `at`; returns where the frame ends.
 */
export function writeTextFrame(target: Buffer, at: number, text: string, length: number): number {
  target[at] = 0x81; // FIN + text opcode
  let payloadAt = at + 2;
  if (length < 126) {
    target[at + 1] = length;
  } else if (length < 65_536) {
    target[at + 1] = 126;
    target.writeUInt16BE(length, at + 2);
    payloadAt = at + 4;
  } else {
    target[at + 1] = 127;
    target.writeUInt32BE(Math.floor(length / 2 ** 32), at + 2);
    target.writeUInt32BE(length >>> 0, at + 6);
    payloadAt = at + 10;
  }
  return payloadAt + target.write(text, payloadAt, length, 'utf8');
}

/**
 * Frames a text message as an unmasked server-to-client WebSocket frame (RFC 6455 5.2),
 * header and payload in one buffer. Framing once per publish lets every subscriber get the
 * same bytes; per-delivery cost is then only the socket write.
 */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const frame = Buffer.allocUnsafe(textFrameHeaderLength(length) + length);
  writeTextFrame(frame, 0, text, length);
  return frame;
}
