import { type SseEvent, sseParser } from './sse-parser.ts';
import type { WebSocketLike } from './websocket.ts';
import { CLOSED, CLOSING, CONNECTING, OPEN, type WebSocketConstructor } from './websocket.ts';

/** The part of `fetch` the HTTP fallback uses: the global one, or Node's (node-fetch.ts). */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
    keepalive?: boolean;
  },
) => Promise<{
  readonly status: number;
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}>;

/** Most bytes of frames in one POST (a larger frame goes alone). */
const POST_BYTES = 64 * 1024;
/** Delays before each attempt to reopen a broken stream; the hub waits 10 s by default. */
const REOPEN_DELAYS_MS = [0, 250, 1_000, 2_000, 4_000];

/**
 * The HTTP stream URL of a hub URL: `ws:` becomes `http:`, `wss:` `https:`, and `/sse` is
 * appended to the path (the hub's default `sse.path`); the query (a `token`) is kept.
 */
export function sseUrlOf(hubUrl: string): URL {
  const url = new URL(hubUrl);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  else if (url.protocol === 'wss:') url.protocol = 'https:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/sse`;
  return url;
}

/**
 * A WebSocket-shaped client of the hub's HTTP fallback, so that Connection works on it
 * unchanged: frames come down as server-sent events, read with `fetch` (which, unlike
 * EventSource, can send `Authorization` and `Last-Event-ID`), and go up in POSTs, one frame
 * per line, one POST at a time (in order; the hub answering late is backpressure).
 *
 * A stream that breaks while the session lives is reopened with the last event id, and the
 * hub writes again what may have been missed, so nothing is lost or repeated; only when that
 * fails (the hub forgot the session) does the socket close with 1006, and the client
 * reconnects and resumes through the protocol as after any lost connection. A POST that
 * fails closes the socket the same way: frames whose fate is unknown are retried by the
 * client's usual rules (unacknowledged publishes go again with their ids, and the hub's
 * deduplication keeps them once).
 */
export function sseSocketClass(fetch: FetchLike): WebSocketConstructor {
  return class SseSocket implements WebSocketLike {
    readyState = CONNECTING;
    binaryType = 'arraybuffer';
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onerror: ((event: { message?: unknown }) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    readonly #url: URL;
    readonly #headers: Record<string, string>;
    readonly #abort = new AbortController();
    #session: string | undefined;
    #lastEventId = '0';
    #outbox: string[] = [];
    #posting = false;

    constructor(
      url: string,
      _protocols?: string | string[],
      options?: { headers?: Record<string, string> },
    ) {
      this.#url = sseUrlOf(url);
      this.#headers = options?.headers ?? {};
      void this.#stream(0);
    }

    send(text: string): void {
      if (this.readyState !== OPEN) throw new Error('The HTTP stream is not open');
      this.#outbox.push(text);
      if (!this.#posting) void this.#post();
    }

    close(code = 1000, reason = ''): void {
      if (this.readyState >= CLOSING) return;
      if (this.#session === undefined) {
        this.#finish(code, reason);
        return;
      }
      this.readyState = CLOSING;
      // The hub answers on the stream with its `close` event; the DELETE's end is the fallback.
      const url = this.#sessionUrl();
      url.searchParams.set('code', String(code));
      url.searchParams.set('reason', reason);
      fetch(url.href, { method: 'DELETE', headers: {} }).then(
        () => this.#finish(code, reason),
        () => this.#finish(1006, ''),
      );
    }

    terminate(): void {
      if (this.readyState === CLOSED) return;
      if (this.#session !== undefined) {
        // Let the hub free the session now rather than after its reattach timeout.
        fetch(this.#sessionUrl().href, { method: 'DELETE', headers: {}, keepalive: true }).catch(
          () => {},
        );
      }
      this.#finish(1006, '');
    }

    #sessionUrl(): URL {
      const url = new URL(this.#url);
      url.search = '';
      url.searchParams.set('session', this.#session!);
      return url;
    }

    /** Opens (attempt 0) or reopens the stream; reads it until it ends. */
    async #stream(attempt: number): Promise<void> {
      const reopening = this.#session !== undefined;
      const url = reopening ? this.#sessionUrl() : this.#url;
      const headers: Record<string, string> = { ...this.#headers, accept: 'text/event-stream' };
      if (reopening) headers['last-event-id'] = this.#lastEventId;
      let body: ReadableStream<Uint8Array>;
      try {
        const response = await fetch(url.href, {
          method: 'GET',
          headers,
          signal: this.#abort.signal,
        });
        if (response.status !== 200 || response.body === null) {
          this.#refused(response.status, await response.text().catch(() => ''));
          return;
        }
        body = response.body;
      } catch (error) {
        this.#broken(attempt, error);
        return;
      }
      const feed = sseParser((event) => this.#event(event));
      const reader = body.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || this.readyState === CLOSED) break;
          feed(decoder.decode(value, { stream: true }));
        }
      } catch (error) {
        // The stream had opened: reopen at once (the attempts start over).
        this.#broken(0, error);
        return;
      }
      this.#broken(0, undefined);
    }

    #event(event: SseEvent): void {
      if (this.readyState === CLOSED) return;
      if (event.event === 'session') {
        const first = this.#session === undefined;
        this.#session = (JSON.parse(event.data) as { session: string }).session;
        if (first) {
          this.readyState = OPEN;
          this.onopen?.({});
        }
        return;
      }
      if (event.event === 'close') {
        const { code, reason } = JSON.parse(event.data) as { code: number; reason: string };
        this.#finish(code, reason);
        return;
      }
      if (event.id !== undefined) this.#lastEventId = event.id;
      this.onmessage?.({ data: event.data });
    }

    /** The stream ended or failed without the hub's `close`: reopen it, a few times. */
    #broken(attempt: number, error: unknown): void {
      if (this.readyState === CLOSED) return;
      if (this.#session === undefined || attempt >= REOPEN_DELAYS_MS.length) {
        if (error instanceof Error) this.onerror?.({ message: error.message });
        this.#finish(1006, '');
        return;
      }
      const delay = REOPEN_DELAYS_MS[attempt]!;
      setTimeout(() => {
        if (this.readyState !== CLOSED) void this.#stream(attempt + 1);
      }, delay);
    }

    /** The hub answered the stream with an error: its JSON `message`, then close 1006. */
    #refused(status: number, text: string): void {
      let message = `HTTP ${status}`;
      try {
        const answer = JSON.parse(text) as { code?: unknown; message?: unknown };
        if (typeof answer.message === 'string') message += `: ${answer.message}`;
      } catch {}
      this.onerror?.({ message: `HTTP fallback refused: ${message}` });
      this.#finish(1006, '');
    }

    async #post(): Promise<void> {
      this.#posting = true;
      while (this.#outbox.length > 0 && this.readyState === OPEN) {
        let bytes = 0;
        let count = 0;
        while (count < this.#outbox.length && (count === 0 || bytes < POST_BYTES)) {
          bytes += this.#outbox[count]!.length + 1;
          count += 1;
        }
        const body = this.#outbox.splice(0, count).join('\n');
        try {
          const response = await fetch(this.#sessionUrl().href, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body,
          });
          // Refused (the session closed, a frame too large): the hub's `close` event follows
          // on the stream when it has one to send; if not, this closes the socket.
          if (response.status !== 204) {
            await response.text().catch(() => '');
            if (response.status !== 413) this.#finish(1006, '');
          }
        } catch {
          this.#finish(1006, '');
        }
      }
      this.#posting = false;
    }

    #finish(code: number, reason: string): void {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      this.#outbox = [];
      this.#abort.abort();
      this.onclose?.({ code, reason });
    }
  };
}
