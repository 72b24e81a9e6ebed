import { offeredSubprotocols } from '@switchboard/protocol/wire';
import type { Platform } from './api.ts';
import { unrefUnless } from './async.ts';
import type { ResolvedOptions, Transport } from './options.ts';
import { sseSocketClass } from './sse-socket.ts';
import type { WebSocketConstructor, WebSocketLike } from './websocket.ts';

/** The two ways to reach the hub: a WebSocket, and the HTTP fallback (sse-socket.ts). */
export interface Transports {
  webSocket: WebSocketConstructor | undefined;
  sse: WebSocketConstructor | undefined;
}

/**
 * Which transport the next attempt uses (the `transport` option). `'auto'` starts on
 * WebSocket and moves to the HTTP fallback when a WebSocket could not be opened at all; once
 * connected there, it opens a probe WebSocket every `upgradeIntervalMs` and, when one opens,
 * asks for a move back (the lifecycle reconnects over WebSocket at once and resumes).
 */
export class TransportChoice {
  #onFallback: boolean;
  #probeTimer: ReturnType<typeof setTimeout> | undefined;
  #probe: WebSocketLike | undefined;

  readonly #mode: Transport;
  readonly #transports: Transports;
  readonly #upgradeIntervalMs: number;
  readonly #keepProcessAlive: boolean;

  constructor(
    mode: Transport,
    transports: Transports,
    upgradeIntervalMs: number,
    keepProcessAlive: boolean,
  ) {
    this.#mode = mode;
    this.#transports = transports;
    this.#upgradeIntervalMs = upgradeIntervalMs;
    this.#keepProcessAlive = keepProcessAlive;
    this.#onFallback = mode === 'sse' || transports.webSocket === undefined;
  }

  /** The constructor of the next attempt's socket. */
  get current(): WebSocketConstructor {
    return (this.#onFallback ? this.#transports.sse : this.#transports.webSocket)!;
  }

  /** Whether the next attempt (or the current connection) is on the HTTP fallback. */
  get isFallback(): boolean {
    return this.#onFallback;
  }

  /**
   * An attempt's socket never opened. Under `'auto'`: after a WebSocket, true (try the
   * fallback now, on the same URL); after the fallback, false (the hub is unreachable either
   * way, so the attempt failed, and the next one starts on WebSocket again).
   */
  unreachable(): boolean {
    const { webSocket, sse } = this.#transports;
    if (this.#mode !== 'auto' || webSocket === undefined || sse === undefined) return false;
    this.#onFallback = !this.#onFallback;
    return this.#onFallback;
  }

  /** Connected to `url`: on the fallback under `'auto'`, WebSocket is probed until it opens. */
  connected(url: string, upgrade: () => void): void {
    this.stopProbing();
    if (this.#mode !== 'auto' || !this.#onFallback || this.#transports.webSocket === undefined)
      return;
    this.#probeTimer = unrefUnless(
      this.#keepProcessAlive,
      setTimeout(() => this.#tryWebSocket(url, upgrade), this.#upgradeIntervalMs),
    );
  }

  /** The connection ended or the client closed: no more probes. */
  stopProbing(): void {
    clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
    const probe = this.#probe;
    this.#probe = undefined;
    if (probe !== undefined) quietly(probe);
  }

  #tryWebSocket(url: string, upgrade: () => void): void {
    this.#probeTimer = undefined;
    let probe: WebSocketLike;
    try {
      probe = new this.#transports.webSocket!(url, offeredSubprotocols());
    } catch {
      this.connected(url, upgrade);
      return;
    }
    this.#probe = probe;
    probe.onerror = () => {};
    probe.onopen = () => {
      this.#probe = undefined;
      quietly(probe);
      this.#onFallback = false;
      upgrade();
    };
    probe.onclose = () => {
      // Failed before it opened: still blocked. Try again later.
      if (this.#probe === probe) {
        this.#probe = undefined;
        this.connected(url, upgrade);
      }
    };
  }
}

/** Closes a probe without hearing from it again. */
function quietly(socket: WebSocketLike): void {
  socket.onopen = null;
  socket.onclose = null;
  socket.onerror = () => {};
  try {
    socket.close(1000, 'probe');
  } catch {}
}

/** The transports of a client from its options and platform; a TypeError when none can work. */
export function chooseTransports(options: ResolvedOptions, platform: Platform): TransportChoice {
  const { transport } = options;
  // Checked to be a function; its shape is the WebSocket API (see websocket.ts).
  const webSocket =
    transport === 'sse'
      ? undefined
      : ((options.WebSocket ?? platform.defaultWebSocket) as unknown as
          | WebSocketConstructor
          | undefined);
  const fetch = transport === 'websocket' ? undefined : platform.fetch?.(options.keepProcessAlive);
  const sse = fetch === undefined ? undefined : sseSocketClass(fetch);
  if (transport === 'sse' && sse === undefined) {
    throw new TypeError('WSClient: option "transport" is "sse" but this environment has no fetch');
  }
  if (webSocket === undefined && sse === undefined) {
    throw new TypeError(
      'WSClient: this environment has no global WebSocket; pass the "WebSocket" option',
    );
  }
  return new TransportChoice(
    transport,
    { webSocket, sse },
    options.upgradeIntervalMs,
    options.keepProcessAlive,
  );
}
