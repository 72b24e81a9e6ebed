import type { Duplex } from 'node:stream';
import type { ResolvedServerOptions } from './options.ts';

/** Time a connection that arrives beyond a limit gets to send its request and read the refusal. */
const REFUSAL_WINDOW_MS = 1_000;

/** One TCP connection from its arrival until it closes. */
interface Ticket {
  readonly ip: string;
  pending: boolean;
  http: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Why an upgrade is refused, as the HTTP answer. */
export interface Refusal {
  status: number;
  text: string;
  body: string;
}

/** @internal The options admission reads. */
export type AdmissionOptions = Pick<
  ResolvedServerOptions,
  'maxConnections' | 'maxConnectionsPerIp' | 'upgradeTimeoutMs'
>;

/**
 * @internal
 * Connections that are not WebSockets yet count against the limits, so neither a burst of
 * upgrades nor thousands of half-open ones (a partial HTTP request, or none at all) can
 * overshoot `maxConnections` or hold file descriptors the limit does not see. Each TCP
 * connection of the hub's own HTTP server is counted from its arrival (on a server passed in,
 * from its `upgrade` event) and must be a WebSocket within `upgradeTimeoutMs`, else it is
 * destroyed; one that arrives beyond a limit gets a second to read its refusal. Open
 * connections count per IP until their socket closes.
 */
export class UpgradeAdmission {
  #pending = 0;
  /** Connections that sent a plain HTTP request (`/health`, `/stats`): counted, not pending. */
  #http = 0;
  readonly #perIp = new Map<string, number>();
  readonly #tickets = new WeakMap<Duplex, Ticket>();
  readonly #waiting = new Set<Duplex>();
  /**
   * One `close` listener and one timeout callback for every socket (`this` is the socket):
   * an idle connection keeps no closure, `once` wrapper or timer of its own.
   */
  readonly #onClose: (this: Duplex) => void;
  readonly #onTimeout = (socket: Duplex) => socket.destroy();

  constructor(
    private readonly options: AdmissionOptions,
    /** WebSockets open now (upgraded, not closed). */
    private readonly openCount: () => number,
  ) {
    const admission = this;
    this.#onClose = function (this: Duplex) {
      const ticket = admission.#tickets.get(this);
      if (ticket !== undefined) admission.#release(this, ticket);
    };
  }

  /** Connections counted that have not finished their upgrade. */
  get pending(): number {
    return this.#pending;
  }

  /** A TCP connection arrived (or an upgrade request on a server passed in): start its clock. */
  track(socket: Duplex, remoteAddress: string | undefined): void {
    if (this.#tickets.has(socket)) return;
    const ip = remoteAddress ?? '';
    const overLimit = this.#refusal(ip, 0) !== undefined;
    const ticket: Ticket = { ip, pending: true, http: false, timer: undefined };
    this.#tickets.set(socket, ticket);
    this.#pending += 1;
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
    this.#waiting.add(socket);
    const limit = overLimit
      ? Math.min(REFUSAL_WINDOW_MS, this.options.upgradeTimeoutMs)
      : this.options.upgradeTimeoutMs;
    ticket.timer = setTimeout(this.#onTimeout, limit, socket);
    ticket.timer.unref?.();
    socket.on('close', this.#onClose);
  }

  /** The refusal for an upgrade request on `socket` (already tracked), if a limit is reached. */
  check(socket: Duplex): Refusal | undefined {
    const ticket = this.#tickets.get(socket);
    // Counted itself: it may proceed while the others leave room for it.
    return ticket === undefined ? undefined : this.#refusal(ticket.ip, 1);
  }

  /**
   * A WebSocket upgrade finished: the connection counts as open from now on, and for its
   * address until the hub calls `left` when it closes. The admission lets go of the socket
   * (no ticket, no listener), so an open connection costs it nothing but the address count.
   * False when the socket was never tracked: then nothing is handed over and `left` must not
   * be called for it.
   */
  upgraded(socket: Duplex): boolean {
    const ticket = this.#tickets.get(socket);
    if (ticket === undefined) return false;
    // A keep-alive connection may have served plain HTTP requests before it upgraded.
    this.#settle(socket, ticket);
    this.#tickets.delete(socket);
    socket.removeListener('close', this.#onClose);
    return true;
  }

  /** A connection handed over by `upgraded` closed. */
  left(remoteAddress: string | undefined): void {
    this.#leave(remoteAddress ?? '');
  }

  /** The upgrade finished: the connection is open and counts as such from now on. */
  opened(socket: Duplex): void {
    const ticket = this.#tickets.get(socket);
    if (ticket === undefined || !ticket.pending) return;
    ticket.pending = false;
    this.#stopClock(ticket);
    this.#pending -= 1;
    this.#waiting.delete(socket);
  }

  /**
   * A plain HTTP request arrived on the connection (a `/health` or `/stats` scrape): it is an
   * HTTP client, not an upgrade in progress. It still counts against the limits until it
   * closes, and Node's own request and keep-alive timeouts bound it from here.
   */
  served(socket: Duplex): void {
    const ticket = this.#tickets.get(socket);
    if (ticket === undefined || !ticket.pending) return;
    ticket.pending = false;
    ticket.http = true;
    this.#stopClock(ticket);
    this.#pending -= 1;
    this.#http += 1;
  }

  /**
   * The connection carries an SSE session's stream: like an upgraded one, it no longer counts
   * as pending or as a plain HTTP client (the session counts among the open connections) but
   * still counts for its address until it closes.
   */
  streaming(socket: Duplex): void {
    const ticket = this.#tickets.get(socket);
    if (ticket === undefined) return;
    this.opened(socket);
    if (ticket.http) {
      ticket.http = false;
      this.#http -= 1;
    }
  }

  /** Destroys every connection that has not upgraded (at shutdown). */
  destroyPending(): void {
    for (const socket of this.#waiting) socket.destroy();
  }

  #refusal(ip: string, self: number): Refusal | undefined {
    const { maxConnectionsPerIp, maxConnections } = this.options;
    if (
      maxConnectionsPerIp !== undefined &&
      (this.#perIp.get(ip) ?? 0) - self >= maxConnectionsPerIp
    ) {
      return {
        status: 429,
        text: 'Too Many Requests',
        body: `Too many connections from this address (maxConnectionsPerIp ${maxConnectionsPerIp})`,
      };
    }
    if (this.openCount() + this.#pending + this.#http - self >= maxConnections) {
      return { status: 503, text: 'Service Unavailable', body: 'Too many connections' };
    }
    return undefined;
  }

  /** A cleared timer still referenced would stay in memory as long as the connection. */
  #stopClock(ticket: Ticket): void {
    clearTimeout(ticket.timer);
    ticket.timer = undefined;
  }

  #release(socket: Duplex, ticket: Ticket): void {
    this.#settle(socket, ticket);
    this.#leave(ticket.ip);
  }

  /** It no longer counts as an upgrade in progress or as a plain HTTP client. */
  #settle(socket: Duplex, ticket: Ticket): void {
    if (ticket.pending) {
      ticket.pending = false;
      this.#stopClock(ticket);
      this.#pending -= 1;
      this.#waiting.delete(socket);
    }
    if (ticket.http) {
      ticket.http = false;
      this.#http -= 1;
      this.#waiting.delete(socket);
    }
  }

  #leave(ip: string): void {
    const left = (this.#perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.#perIp.set(ip, left);
    else this.#perIp.delete(ip);
  }
}
