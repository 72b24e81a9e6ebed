import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/**
 * Every socket of the process reads into this one buffer: a read is parsed completely before
 * the next one starts, and the unfinished tail of a frame is copied out (see #onData).
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/** Called with each complete data message in buf[start, end). `chunkUs` is set by the owner. */
export type MessageHandler = (buf: Buffer, start: number, end: number) => void;

export interface RawConnectOptions {
  host?: string;
  port: number;
  path?: string;
  protocol?: string;
  timeoutMs?: number;
  /**
   * Installed before the upgrade completes, for protocols whose server speaks first (NATS's
   * INFO may arrive in the same read as the 101 response).
   */
  onMessage?: MessageHandler;
}

/**
 * A minimal WebSocket client over `net` for the load side. It walks frame headers in each
 * chunk and hands payload ranges to `onMessage` without allocating per message, so that
 * thousands of subscribers in one process on one core can absorb far more than the server
 * under test sends. It answers pings, masks what it sends, and does nothing else: no
 * extensions, no fragmentation on send, no UTF-8 validation.
 */
export class RawWebSocket {
  onMessage: MessageHandler = () => {};
  /** Called once per received chunk before its messages, e.g. to read the clock once. */
  onChunk: (() => void) | undefined;
  #rest: Buffer | undefined;
  readonly #mask = randomBytes(4);
  #closed = false;

  private constructor(readonly socket: Socket) {}

  static connect(options: RawConnectOptions): Promise<RawWebSocket> {
    const { host = '127.0.0.1', port, path = '/', protocol, timeoutMs = 30_000 } = options;
    const key = randomBytes(16).toString('base64');
    const expectedAccept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    return new Promise((resolve, reject) => {
      let client: RawWebSocket | undefined;
      let upgraded = false;
      let head: Buffer = Buffer.alloc(0);
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new Error(`handshake timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onHandshake = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) {
          if (head.length > 16_384) fail(new Error('handshake response too large'));
          return;
        }
        const response = head.toString('latin1', 0, end);
        const status = response.slice(0, response.indexOf('\r\n'));
        if (!/^HTTP\/1\.1 101/.test(status)) return fail(new Error(`upgrade refused: ${status}`));
        const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(response)?.[1];
        if (accept !== expectedAccept) return fail(new Error('bad Sec-WebSocket-Accept'));
        clearTimeout(timer);
        upgraded = true;
        socket.off('error', fail);
        socket.on('error', () => client!.#markClosed());
        socket.on('close', () => client!.#markClosed());
        resolve(client!);
        const leftover = head.subarray(end + 4);
        if (leftover.length > 0) client!.#onData(leftover);
      };
      // `onread` hands each read to us in a shared buffer, bypassing the Readable stream
      // machinery (and its per-read allocation): most of the load side's cost per message.
      const socket = connect({
        host,
        port,
        noDelay: true,
        onread: {
          buffer: READ_BUFFER,
          callback: (bytes: number, buffer: Uint8Array) => {
            const chunk = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
            if (upgraded) client!.#onData(chunk);
            else onHandshake(Buffer.from(chunk));
            return true;
          },
        },
      });
      client = new RawWebSocket(socket);
      if (options.onMessage) client.onMessage = options.onMessage;
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
            (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') +
            '\r\n',
        );
      });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one text message (masked, as a client must). */
  send(data: string | Buffer): boolean {
    return this.#sendFrame(OP_TEXT, typeof data === 'string' ? Buffer.from(data) : data);
  }

  close(): void {
    this.#closed = true;
    this.socket.destroy();
  }

  #markClosed(): void {
    this.#closed = true;
  }

  #sendFrame(opcode: number, payload: Buffer): boolean {
    if (this.#closed) return false;
    const length = payload.length;
    const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(header + 4 + length);
    frame[0] = 0x80 | opcode;
    if (length < 126) frame[1] = 0x80 | length;
    else if (length < 65_536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
      frame.writeUInt32BE(length >>> 0, 6);
    }
    const mask = this.#mask;
    mask.copy(frame, header);
    const at = header + 4;
    for (let i = 0; i < length; i++) frame[at + i] = payload[i]! ^ mask[i & 3]!;
    return this.socket.write(frame);
  }

  #onData(chunk: Buffer): void {
    let buf = chunk;
    if (this.#rest !== undefined) {
      buf = Buffer.concat([this.#rest, chunk]);
      this.#rest = undefined;
    }
    this.onChunk?.();
    const end = buf.length;
    let at = 0;
    while (at + 2 <= end) {
      const second = buf[at + 1]!;
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (at + 4 > end) break;
        length = buf.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (at + 10 > end) break;
        length = buf.readUInt32BE(at + 2) * 2 ** 32 + buf.readUInt32BE(at + 6);
        header = 10;
      }
      if (second & 0x80) header += 4; // servers never mask; tolerate it anyway
      const start = at + header;
      const stop = start + length;
      if (stop > end) break;
      const opcode = buf[at]! & 0x0f;
      if (opcode === OP_TEXT || opcode === OP_BINARY || opcode === OP_CONTINUATION) {
        this.onMessage(buf, start, stop);
      } else if (opcode === OP_PING) {
        this.#sendFrame(OP_PONG, buf.subarray(start, stop));
      } else if (opcode === OP_CLOSE) {
        this.close();
        return;
      }
      at = stop;
    }
    // Keep only the unfinished frame; copy it so the whole chunk is not retained.
    if (at < end) this.#rest = Buffer.from(buf.subarray(at));
  }
}
