import type { ClientFrame, ServerFrame } from '@switchboard/protocol';
import { encodeFrame } from '@switchboard/protocol';
import WebSocket from 'ws';
import type { Principal } from './principal.ts';

export type ConnectionState = 'handshaking' | 'authenticating' | 'open' | 'closing' | 'closed';

/** Public, read-only view of a connected client. */
export interface ClientInfo {
  id: string;
  principal: Principal | null;
  remoteAddress: string | undefined;
  connectedAt: number;
  protocolVersion: number | undefined;
  subscriptions: string[];
  messagesIn: number;
  messagesOut: number;
}

/** One WebSocket and the hub's per-connection state. Owned by WSServer. */
export class Connection {
  state: ConnectionState = 'handshaking';
  principal: Principal | null = null;
  protocolVersion: number | undefined;
  /** Set by heartbeat: false until the peer shows a sign of life in the current interval. */
  alive = true;
  /** Frames that arrived before authentication finished, replayed in order afterwards. */
  readonly pending: ClientFrame[] = [];
  /** Patterns this connection subscribes to; the router keeps the index. */
  readonly subscriptions = new Set<string>();
  readonly connectedAt = Date.now();
  messagesIn = 0;
  messagesOut = 0;
  /** Recoveries in flight; live events are held meanwhile so replay and live never interleave. */
  recovering = 0;
  readonly held: string[] = [];
  authTimer: ReturnType<typeof setTimeout> | undefined;
  /** Authentication needs an `auth` frame: no token came with hello, header or query. */
  awaitingAuthFrame = false;

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly remoteAddress: string | undefined,
  ) {}

  get isOpen(): boolean {
    return this.state === 'open' && this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends an already-serialized frame; returns false when the socket can no longer take it. */
  sendRaw(text: string | Buffer): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(text);
    this.messagesOut += 1;
    return true;
  }

  /** Delivers a serialized event in offset order, holding it while a recovery is running. */
  deliver(text: string): void {
    if (this.recovering > 0) this.held.push(text);
    else this.sendRaw(text);
  }

  /**
   * Ends one recovery; once none is left, releases the held live events. Replay reads only up
   * to the head seen when the recovery began, so held events all come after it.
   */
  finishRecovery(): void {
    this.recovering -= 1;
    if (this.recovering > 0) return;
    for (const text of this.held.splice(0)) this.sendRaw(text);
  }

  send(frame: ServerFrame): boolean {
    return this.sendRaw(encodeFrame(frame));
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    if (this.state !== 'closing') this.state = 'closing';
    // A close reason must fit in a control frame (123 bytes).
    this.socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
  }

  info(): ClientInfo {
    return {
      id: this.id,
      principal: this.principal,
      remoteAddress: this.remoteAddress,
      connectedAt: this.connectedAt,
      protocolVersion: this.protocolVersion,
      subscriptions: [...this.subscriptions],
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
    };
  }
}
