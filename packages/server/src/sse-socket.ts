import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloseCode } from '@switchboard/protocol';
import type { SseSessionOptions } from './sse-options.ts';
import { SseOutput } from './sse-output.ts';

const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const NEWLINE = 0x0a;

/** How long a close waits for what is queued to reach the client before the session is cut. */
const CLOSE_TIMEOUT_MS = 5_000;

/** A POST of frames: read one at a time, in arrival order. */
interface Post {
  request: IncomingMessage;
  response: ServerResponse;
}

/**
 * @internal
 * One client on the HTTP fallback: the hub's socket for a session whose frames go down as
 * server-sent events (an SseOutput) and come up as POST bodies of one frame per line. It
 * behaves as a `ws` socket does for the hub (HubSocket): `message` per frame, `pause` stops
 * reading POST bodies (the client's next POST waits: backpressure), a frame over the message
 * limit closes with 1009, `close` ends the stream with a `close` event carrying the code.
 *
 * Liveness: `ping` answers `pong` while a stream is attached (and writes an SSE comment, which
 * keeps proxies from timing the stream out); the client's own protocol pings arrive as frames.
 * A session whose stream is gone waits `reattachTimeoutMs` for its client, then closes 1006.
 */
export class SseSocket extends EventEmitter {
  readyState = OPEN;
  readonly protocol = '';
  readonly extensions = '';
  readonly output: SseOutput;
  /** The largest frame accepted (set by setMessageLimit); ws's `maxPayload`. */
  messageLimit = Number.POSITIVE_INFINITY;
  #paused = false;
  /** POSTs in arrival order; the first is being read. */
  readonly #posts: Post[] = [];
  /** A line split across chunks of a POST body. */
  #line: Buffer[] = [];
  #lineBytes = 0;
  #reattachTimer: ReturnType<typeof setTimeout> | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** The session's secret: whoever knows it may post frames and reopen the stream. */
    readonly session: string,
    private readonly options: SseSessionOptions,
  ) {
    super();
    this.output = new SseOutput(options.resumeBytes);
    this.output.on('error', () => this.terminate());
  }

  /**
   * Streams to `response` from event `lastEventId` on (0 for a new session); false when that
   * position can no longer be resumed (the caller answers, and the session is closed).
   */
  attach(response: ServerResponse, lastEventId: number): boolean {
    if (this.readyState === CLOSED || !this.output.canResume(lastEventId)) return false;
    const sessionEvent = `event: session\ndata: ${JSON.stringify({ session: this.session })}\n\n`;
    response.writeHead(200, SSE_HEADERS);
    response.write(sessionEvent);
    if (!this.output.attach(response, lastEventId)) return false;
    clearTimeout(this.#reattachTimer);
    this.#reattachTimer = undefined;
    response.once('close', () => this.#detached());
    return true;
  }

  /** A POST of the session: its lines are frames, emitted as `message` in order. */
  receive(request: IncomingMessage, response: ServerResponse): void {
    if (this.readyState !== OPEN) {
      answer(response, 410, 'CONNECTION_CLOSED', 'The session is closed');
      request.resume();
      return;
    }
    this.#posts.push({ request, response });
    if (this.#posts.length === 1) this.#read();
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.readyState >= CLOSING) return;
    this.readyState = CLOSING;
    this.#refusePosts();
    this.output.setCloseEvent(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
    this.output.once('finish', () => this.#closed(code, reason));
    this.output.end();
    // The client may never read the rest (gone, or not reading): do not wait for it forever.
    this.#closeTimer = setTimeout(() => this.terminate(), CLOSE_TIMEOUT_MS);
    this.#closeTimer.unref();
  }

  /** The client closed the session itself (DELETE): as a close frame from a `ws` peer. */
  closedByClient(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.output.setCloseEvent(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
    this.output.end();
    this.#closed(code, reason);
  }

  terminate(): void {
    if (this.readyState === CLOSED) return;
    this.output.destroy();
    this.#closed(1006, '');
  }

  ping(): void {
    if (this.output.writeControl(': ping\n\n')) this.emit('pong');
  }

  pause(): void {
    this.#paused = true;
    this.#posts[0]?.request.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#posts[0]?.request.resume();
  }

  #detached(): void {
    if (this.readyState === CLOSED || this.output.attached || this.#reattachTimer) return;
    this.#reattachTimer = setTimeout(() => {
      this.#reattachTimer = undefined;
      if (!this.output.attached) this.terminate();
    }, this.options.reattachTimeoutMs);
    this.#reattachTimer.unref();
  }

  /** Reads the first POST: each complete line is a frame; the next POST follows at its end. */
  #read(): void {
    const post = this.#posts[0];
    if (post === undefined) return;
    const { request } = post;
    request.on('data', (chunk: Buffer) => this.#chunk(chunk));
    request.once('end', () => {
      if (this.#posts[0] === post) this.#endLine();
      this.#finishPost(post, 204);
    });
    request.once('error', () => this.#finishPost(post, 400));
    // Aborted before its end: the frames read so far were handled; the rest never came.
    request.once('close', () => this.#finishPost(post, 400));
    if (this.#paused) request.pause();
  }

  #finishPost(post: Post, status: number): void {
    if (this.#posts[0] !== post) return;
    this.#posts.shift();
    this.#line = [];
    this.#lineBytes = 0;
    if (!post.response.headersSent) {
      post.response.writeHead(status);
      post.response.end();
    }
    this.#read();
  }

  #chunk(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && this.readyState === OPEN) {
      const newline = chunk.indexOf(NEWLINE, at);
      const end = newline === -1 ? chunk.length : newline;
      if (end > at) {
        this.#line.push(chunk.subarray(at, end));
        this.#lineBytes += end - at;
      }
      if (this.#lineBytes > this.messageLimit) {
        this.#tooBig();
        return;
      }
      if (newline === -1) return;
      this.#endLine();
      at = newline + 1;
    }
  }

  #endLine(): void {
    const parts = this.#line;
    if (parts.length === 0) return;
    this.#line = [];
    this.#lineBytes = 0;
    let line = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (line.length > 0 && this.readyState === OPEN) this.emit('message', line, false);
  }

  /** A frame over the limit: as ws does, an error and close 1009, and nothing of it is kept. */
  #tooBig(): void {
    const post = this.#posts[0];
    if (post !== undefined) {
      answer(post.response, 413, 'PAYLOAD_TOO_LARGE', 'Max payload size exceeded');
      post.request.destroy();
    }
    const error = new RangeError('Max payload size exceeded');
    this.emit('error', error);
    this.close(CloseCode.MESSAGE_TOO_BIG, 'Max payload size exceeded');
  }

  #refusePosts(): void {
    const posts = this.#posts.splice(0);
    for (const { request, response } of posts) {
      request.removeAllListeners('data');
      if (!response.headersSent)
        answer(response, 410, 'CONNECTION_CLOSED', 'The session is closed');
      request.resume();
    }
  }

  #closed(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    clearTimeout(this.#reattachTimer);
    clearTimeout(this.#closeTimer);
    this.#refusePosts();
    this.emit('close', code, Buffer.from(reason));
  }
}

/** Headers of an event stream: never cached or buffered by proxies. */
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

/** A JSON error answer: `{ code, message }`, as every HTTP answer of the hub. */
export function answer(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ code, message }));
}
