import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloseCode, ErrorCode } from '@switchboard/protocol';
import type { ResolvedSseOptions } from './sse-options.ts';
import { answer, SseSocket } from './sse-socket.ts';
import type { Refusal } from './upgrade-admission.ts';

/** @internal What the endpoint needs from its server. */
export interface SseHost {
  readonly options: ResolvedSseOptions;
  /** Admission as for an upgrade (see Upgrade.admitHttp); the refusal when it may not proceed. */
  admit(request: IncomingMessage, stream: boolean, opens: boolean): Refusal | undefined;
  /** Whether `origin` may read answers (CORS). */
  allowsOrigin(origin: string | undefined): boolean;
  /** A new session, as a socket that finished its upgrade. */
  accept(socket: SseSocket, request: IncomingMessage): void;
}

const ALLOWED_HEADERS = 'authorization, content-type, last-event-id';
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';

/**
 * @internal
 * The HTTP fallback for networks that block WebSocket, on the hub's own port:
 *
 * - `GET <path>` opens a session: an event stream whose first event (`session`) names it,
 *   then one event per protocol frame, each with an `id`;
 * - `GET <path>?session=<s>` with `Last-Event-ID` (header, or `lastEventId` in the query for
 *   EventSource) reopens the stream of a live session after the last event the client read;
 * - `POST <path>?session=<s>` carries client frames, one JSON frame per line, answered 204
 *   once read (a paused connection's POST waits: backpressure);
 * - `DELETE <path>?session=<s>[&code=&reason=]` closes the session, as a close frame would.
 *
 * Credentials go as for a WebSocket (`hello`, `token` in the query, or `Authorization` on
 * the first GET); the session id, 144 random bits, is what the other requests show. The same
 * protocol, ACLs, limits and resume apply: the session is a ServerConnection like any other.
 */
export class SseEndpoint {
  readonly #sessions = new Map<string, SseSocket>();

  constructor(private readonly host: SseHost) {}

  /** Sessions open now. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Whether `path` is the stream's path. */
  owns(path: string): boolean {
    const configured = this.host.options.path;
    return configured === undefined
      ? path === '/sse' || path.endsWith('/sse')
      : path === configured;
  }

  /** Answers a request of the fallback; false when it is not one (another route may take it). */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const url = new URL(request.url ?? '/', 'http://hub');
    if (!this.owns(url.pathname)) return false;
    const origin = request.headers.origin;
    if (origin !== undefined && this.host.allowsOrigin(origin)) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'origin');
    }
    const session = url.searchParams.get('session') ?? undefined;
    switch (request.method) {
      case 'OPTIONS':
        response.writeHead(204, {
          'access-control-allow-methods': ALLOWED_METHODS,
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-max-age': '600',
        });
        response.end();
        return true;
      case 'GET':
        if (session === undefined) this.#open(request, response);
        else this.#reopen(request, response, session, url);
        return true;
      case 'POST':
      case 'DELETE': {
        const refusal = this.host.admit(request, false, false);
        if (refusal !== undefined) {
          refuse(response, refusal);
          request.resume();
          return true;
        }
        const socket = session === undefined ? undefined : this.#sessions.get(session);
        if (socket === undefined) {
          answer(response, 404, ErrorCode.NOT_FOUND, 'No such session (closed, or never opened)');
          request.resume();
        } else if (request.method === 'POST') {
          socket.receive(request, response);
        } else {
          const code = closeCode(url.searchParams.get('code'));
          socket.closedByClient(code, (url.searchParams.get('reason') ?? '').slice(0, 123));
          response.writeHead(204);
          response.end();
          request.resume();
        }
        return true;
      }
      default:
        response.setHeader('allow', ALLOWED_METHODS);
        answer(response, 405, 'METHOD_NOT_ALLOWED', `Use ${ALLOWED_METHODS}`);
        return true;
    }
  }

  /** Closes every session's stream at once (the hub's shutdown has closed the sessions). */
  destroy(): void {
    for (const socket of this.#sessions.values()) socket.terminate();
  }

  #open(request: IncomingMessage, response: ServerResponse): void {
    const refusal = this.host.admit(request, true, true);
    if (refusal !== undefined) {
      refuse(response, refusal);
      return;
    }
    const socket = new SseSocket(randomBytes(18).toString('base64url'), this.host.options);
    this.#sessions.set(socket.session, socket);
    socket.once('close', () => this.#sessions.delete(socket.session));
    socket.attach(response, 0);
    this.host.accept(socket, request);
  }

  #reopen(request: IncomingMessage, response: ServerResponse, session: string, url: URL): void {
    const refusal = this.host.admit(request, true, false);
    if (refusal !== undefined) {
      refuse(response, refusal);
      return;
    }
    const socket = this.#sessions.get(session);
    if (socket === undefined) {
      answer(response, 404, ErrorCode.NOT_FOUND, 'No such session (closed, or never opened)');
      return;
    }
    const lastEventId = eventId(
      request.headers['last-event-id'] ?? url.searchParams.get('lastEventId'),
    );
    if (lastEventId === undefined || !socket.attach(response, lastEventId)) {
      // What the client missed is no longer kept: it must open a new session and resume
      // through the protocol (subscribe from its position), which loses nothing in the log.
      answer(
        response,
        410,
        'RESUME_FAILED',
        `Events after ${String(lastEventId)} are no longer kept; open a new session`,
      );
      socket.terminate();
    }
  }
}

/** The refusal as JSON, with the code a client can act on. */
function refuse(response: ServerResponse, refusal: Refusal): void {
  const code =
    refusal.status === 403
      ? ErrorCode.FORBIDDEN
      : refusal.status === 429
        ? ErrorCode.RATE_LIMITED
        : refusal.body === 'Shutting down'
          ? ErrorCode.SERVER_SHUTTING_DOWN
          : 'TOO_MANY_CONNECTIONS';
  answer(response, refusal.status, code, refusal.body);
}

/** A Last-Event-ID: a non-negative integer; undefined when it is not one. */
function eventId(value: string | string[] | null | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === null || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/** The close code a client asked for: 1000 or one of the application's (4000-4999). */
function closeCode(value: string | null): number {
  const code = Number(value);
  return Number.isInteger(code) && (code === 1000 || (code >= 4000 && code <= 4999))
    ? code
    : CloseCode.NORMAL;
}
