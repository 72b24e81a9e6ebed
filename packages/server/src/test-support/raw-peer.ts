import { type ServerFrame, subprotocolFor } from '@switchboard/protocol';
import WebSocket, { type ClientOptions } from 'ws';
import { rawSocketOf } from '../raw-socket.ts';

export interface RawPeerOptions extends ClientOptions {
  protocols?: string[];
}

/**
 * A bare WebSocket peer for server tests: sends whatever it is told (including garbage) and
 * lets a test wait for the next frame that satisfies a predicate.
 */
export class RawPeer {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The hub's `Sec-WebSocket-Extensions` answer (what it negotiated), '' when none. */
  extensionsHeader = '';
  #waiters: { match: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void }[] =
    [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (!waiter.match(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    socket.on('error', () => {});
  }

  static open(url: string, options: RawPeerOptions = {}): Promise<RawPeer> {
    const { protocols = [subprotocolFor(1)], ...rest } = options;
    const socket = new WebSocket(url, protocols, rest);
    const peer = new RawPeer(socket);
    socket.once('upgrade', (response) => {
      peer.extensionsHeader = String(response.headers['sec-websocket-extensions'] ?? '');
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(peer));
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
      socket.once('error', reject);
    });
  }

  /** Opens, says hello (optionally with a token) and waits for the welcome. */
  static async welcomed(
    url: string,
    token?: string,
    options: RawPeerOptions = {},
  ): Promise<RawPeer> {
    const peer = await RawPeer.open(url, options);
    peer.send({ type: 'hello', versions: [1], ...(token ? { token } : {}) });
    await peer.next('welcome');
    return peer;
  }

  /**
   * Sends the frames in one TCP write, so that they reach the hub as one socket read (up to
   * its 64 KiB buffer) rather than as many writes as frames.
   */
  sendInOneWrite(frames: readonly unknown[]): void {
    const texts = frames.map((frame) =>
      typeof frame === 'string' ? frame : JSON.stringify(frame),
    );
    rawSocketOf(this.socket)!.write(clientTextFrames(texts));
  }

  send(frame: unknown): void {
    this.socket.send(
      typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame),
    );
  }

  /** The first frame (already received or still to come) of this type and optional id. */
  next<T extends ServerFrame['type']>(
    type: T,
    id?: string,
    timeoutMs = 5_000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const match = (frame: ServerFrame) =>
      frame.type === type && (id === undefined || ('id' in frame && frame.id === id));
    return this.#take(match, timeoutMs, `a ${type} frame${id ? ` with id ${id}` : ''}`) as Promise<
      Extract<ServerFrame, { type: T }>
    >;
  }

  /** The response to a request id: its ack, response or error frame. */
  reply(id: string, timeoutMs = 5_000): Promise<ServerFrame> {
    const match = (frame: ServerFrame) =>
      'id' in frame && frame.id === id && frame.type !== 'event';
    return this.#take(match, timeoutMs, `a reply to ${id}`);
  }

  /** Removes and returns the first frame that matches, waiting for it if needed. */
  #take(
    match: (frame: ServerFrame) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<ServerFrame> {
    const at = this.frames.findIndex(match);
    if (at !== -1) return Promise.resolve(this.frames.splice(at, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          const index = this.frames.indexOf(frame);
          if (index !== -1) this.frames.splice(index, 1);
          resolve(frame);
        },
      });
    });
  }

  close(): Promise<unknown> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.socket.close();
    return this.closed;
  }
}

/**
 * Client-to-server text frames, back to back. Clients must mask; a zero mask key is a valid
 * one that leaves the payload as it is.
 */
export function clientTextFrames(texts: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const text of texts) {
    const payload = Buffer.from(text);
    const length = payload.length;
    const header =
      length < 126
        ? Buffer.from([0x81, 0x80 | length])
        : length < 65_536
          ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff])
          : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), bigEndian64(length)]);
    parts.push(header, Buffer.alloc(4), payload);
  }
  return Buffer.concat(parts);
}

function bigEndian64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}
