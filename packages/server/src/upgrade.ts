import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { selectSubprotocol, versionFromSubprotocol } from '@switchboard/protocol';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { acceptableOffers } from './deflate-offers.ts';
import { wsDeflateOption } from './deflate-options.ts';
import type { ResolvedServerOptions } from './options.ts';
import { OriginPolicy } from './origin-policy.ts';
import { type Refusal, UpgradeAdmission } from './upgrade-admission.ts';

/** @internal What the upgrade needs from its server. */
export interface UpgradeHost {
  readonly options: Pick<
    ResolvedServerOptions,
    | 'path'
    | 'maxConnections'
    | 'maxPayload'
    | 'maxConnectionsPerIp'
    | 'upgradeTimeoutMs'
    | 'allowedOrigins'
    | 'requireOrigin'
    | 'perMessageDeflate'
  >;
  /** Whether the server created the HTTP server (then it answers upgrades for other paths). */
  readonly ownsHttp: boolean;
  /** Connections that finished their upgrade and are not closed yet. */
  readonly connectionCount: number;
  readonly isShuttingDown: boolean;
  /**
   * A socket finished its upgrade. `counted`: it counts for its address until the server
   * tells `left` that it closed.
   */
  accept(socket: WebSocket, request: IncomingMessage, counted: boolean): void;
  /** An upgrade was answered with an HTTP error (counted and logged). */
  refused(status: number, remoteAddress: string | undefined, why: string): void;
}

/**
 * @internal
 * HTTP upgrade to WebSocket: the path, the shutdown, the origin, and the connection limits
 * (upgrades still in progress count, see UpgradeAdmission) are checked before `ws` allocates
 * anything, and the subprotocol is chosen.
 */
export class Upgrade {
  readonly #wss: WebSocketServer;
  readonly #admission: UpgradeAdmission;
  readonly #origins: OriginPolicy;

  constructor(private readonly host: UpgradeHost) {
    this.#wss = new WebSocketServer({
      noServer: true,
      // Messages between maxPayload and this hard cap get a PAYLOAD_TOO_LARGE frame before
      // the close; beyond it `ws` closes with 1009 without buffering the rest.
      maxPayload: host.options.maxPayload * 2,
      // The hub compresses its own frames (frame-deflate.ts); ws only inflates the client's.
      perMessageDeflate: wsDeflateOption(host.options.perMessageDeflate),
      clientTracking: false,
      handleProtocols: pickSubprotocol,
    });
    this.#admission = new UpgradeAdmission(host.options, () => host.connectionCount);
    this.#origins = new OriginPolicy(host.options.allowedOrigins, host.options.requireOrigin);
  }

  /** Connections counted that have not finished their upgrade. */
  get pending(): number {
    return this.#admission.pending;
  }

  /** The `connection` listener of an HTTP server the hub created: its clock starts now. */
  readonly connection = (socket: Socket): void => {
    this.#admission.track(socket, socket.remoteAddress);
  };

  /** The `request` listener of an HTTP server the hub created: a plain HTTP client. */
  readonly request = (request: IncomingMessage): void => {
    this.#admission.served(request.socket);
  };

  /** The `upgrade` listener of the HTTP server. */
  readonly handle = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const { host } = this;
    const path = (request.url ?? '/').split('?')[0];
    if (host.options.path !== undefined && path !== host.options.path) {
      // On a shared server other upgrade handlers may own this path.
      if (host.ownsHttp) this.#refuse(request, socket, 404, 'Not Found');
      return;
    }
    if (host.isShuttingDown) {
      this.#refuse(request, socket, 503, 'Service Unavailable', 'Shutting down');
      return;
    }
    this.#admission.track(socket, request.socket.remoteAddress);
    if (!this.#origins.allows(request.headers.origin)) {
      this.#refuse(request, socket, 403, 'Forbidden', 'Origin not allowed');
      return;
    }
    const refusal = this.#admission.check(socket);
    if (refusal !== undefined) {
      this.#refuse(request, socket, refusal.status, refusal.text, refusal.body);
      return;
    }
    const deflate = host.options.perMessageDeflate;
    const offered = request.headers['sec-websocket-extensions'];
    if (deflate !== undefined && offered !== undefined) {
      const accepted = acceptableOffers(offered, deflate);
      if (accepted === undefined) delete request.headers['sec-websocket-extensions'];
      else request.headers['sec-websocket-extensions'] = accepted;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      host.accept(ws, request, this.#admission.upgraded(socket));
    });
  };

  /** A WebSocket `accept`ed by this upgrade closed: its address counts one connection less. */
  left(remoteAddress: string | undefined): void {
    this.#admission.left(remoteAddress);
  }

  /**
   * Admits an HTTP request of the SSE transport (sse-endpoint.ts) as an upgrade is admitted:
   * the origin always; for a stream (`stream`), the shutdown and, when it opens a session
   * (`opens`), the connection limits; its TCP connection then counts as an open one. The
   * refusal, counted and logged, when it may not proceed.
   */
  admitHttp(request: IncomingMessage, stream: boolean, opens: boolean): Refusal | undefined {
    const refusal = this.#httpRefusal(request, stream, opens);
    if (refusal !== undefined)
      this.host.refused(refusal.status, request.socket.remoteAddress, refusal.body);
    return refusal;
  }

  #httpRefusal(request: IncomingMessage, stream: boolean, opens: boolean): Refusal | undefined {
    if (stream && opens && this.host.isShuttingDown) {
      return { status: 503, text: 'Service Unavailable', body: 'Shutting down' };
    }
    if (!this.#origins.allows(request.headers.origin)) {
      return { status: 403, text: 'Forbidden', body: 'Origin not allowed' };
    }
    if (!stream) return undefined;
    const socket = request.socket;
    this.#admission.track(socket, socket.remoteAddress);
    if (opens) {
      const refusal = this.#admission.check(socket);
      if (refusal !== undefined) return refusal;
    }
    this.#admission.streaming(socket);
    return undefined;
  }

  /** Whether a browser page of `origin` may read the hub's answers (CORS). */
  allowsOrigin(origin: string | undefined): boolean {
    return this.#origins.allows(origin);
  }

  #refuse(
    request: IncomingMessage,
    socket: Duplex,
    status: number,
    text: string,
    body = text,
  ): void {
    this.host.refused(status, request.socket.remoteAddress, body);
    rejectUpgrade(socket, status, text, body);
  }

  close(): Promise<void> {
    this.#admission.destroyPending();
    return new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

/** The supported subprotocol offered, else any Switchboard one, else none. */
export function pickSubprotocol(offered: Set<string>): string | false {
  const supported = selectSubprotocol(offered);
  if (supported) return supported;
  // Accept an unsupported Switchboard version so the refusal can be explained in-band
  // (UNSUPPORTED_VERSION frame + close 4003) instead of a failed handshake.
  for (const name of offered) if (versionFromSubprotocol(name) !== undefined) return name;
  return false;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * Without `authenticate` clients are anonymous, which is allowed on loopback only unless
 * `allowAnonymous` is set: checked on the host the server is about to bind.
 */
export function checkAnonymousHost(
  options: Pick<ResolvedServerOptions, 'authenticate' | 'allowAnonymous'>,
  host: string,
): void {
  if (options.authenticate || options.allowAnonymous || isLoopbackHost(host)) return;
  throw new TypeError(
    `WSServer without "authenticate" only allows anonymous clients on loopback; host "${host}" needs "authenticate" or "allowAnonymous: true"`,
  );
}

/** The same check on the address of an HTTP server the hub was given, once it listens. */
export function checkAnonymousAddress(
  options: Pick<ResolvedServerOptions, 'authenticate' | 'allowAnonymous'>,
  address: AddressInfo | null,
): void {
  if (options.authenticate || options.allowAnonymous || !address) return;
  if (isLoopbackHost(address.address)) return;
  throw new TypeError(
    `WSServer without "authenticate" only allows anonymous clients on loopback; the attached server listens on ${address.address}`,
  );
}

function rejectUpgrade(socket: Duplex, status: number, text: string, body = text): void {
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
