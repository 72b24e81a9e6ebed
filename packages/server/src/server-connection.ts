import { CloseCode, encodeFrame, type ServerFrame } from '@switchboard/protocol';
import { CompactSet } from '@switchboard/router';
import type { ClientInfo, ConnectionState } from './client-info.ts';
import type { ConnectionReads, FairReads } from './fair-reads.ts';
import type { FrameDeflater } from './frame-deflate.ts';
import type { FrameContext } from './frame-stage.ts';
import type { HandshakeState } from './handshake.ts';
import { type HubSocket, SOCKET_OPEN } from './hub-socket.ts';
import { OutboundWriter, type WriterOwner, type WriterSettings } from './outbound-writer.ts';
import type { Principal } from './principal.ts';
import type { RouterConnection } from './router-link.ts';

/** Time a slow consumer closed with 4004 gets to finish the close handshake. */
const SLOW_CLOSE_GRACE_MS = 1_000;

/** @internal Called for each event the `drop-oldest` policy dropped. */
export type DropListener = (connection: ServerConnection, topic: string, offset: number) => void;

/** @internal What a connection gets from its server. */
export interface ConnectionContext {
  /** Bounds of the live queue (the router's, handed over when it attached) and the rest its writer shares. */
  readonly writer: WriterSettings;
  readonly reads: FairReads<ServerConnection>;
  readonly onDrop: DropListener;
  /** An `error` frame is being sent to this connection (counted and logged by the server). */
  readonly onRefusal: (connection: ServerConnection, code: string, message: string) => void;
  /** The hub's compressor, when this connection negotiated permessage-deflate. */
  readonly deflater?: FrameDeflater;
  /**
   * A WebSocket the upgrade admitted: it counts for its address until it closes, and the
   * server tells the upgrade when it did (an SSE session's stream is counted by its socket).
   */
  readonly upgraded: boolean;
}

const SLOW_CONSUMER_REASONS = {
  events: 'Slow consumer: outbound queue overflowed',
  replies: 'Slow consumer: replies not read',
} as const;

/**
 * @internal
 * One client's session: where it is in its life, who it is, what it subscribes to, its
 * counters and, until it opens, its handshake. The server, the handshake and the router change
 * it; everything written to the socket goes through `output`.
 */
export class ServerConnection implements RouterConnection, FrameContext, WriterOwner {
  state: ConnectionState = 'handshaking';
  principal: Principal | null = null;
  /**
   * Scope of publish-id deduplication: the principal id when `authenticate` named one (it
   * survives reconnects), empty for anonymous and `true` principals (named per connection).
   */
  dedupeScope = '';
  protocolVersion: number | undefined;
  /** Set by heartbeat: false until the peer shows a sign of life in the current interval. */
  alive = true;
  /** Patterns this connection subscribes to; the router keeps the index. */
  /** Most connections hold one pattern: it is kept inline (see CompactSet). */
  readonly subscriptions = new CompactSet<string>();
  readonly connectedAt = Date.now();
  messagesIn = 0;
  /** The router's fan-out round that last visited this connection (dedupes patterns). */
  fanOutMark = 0;
  /** Upgrade request, auth timer and frames queued meanwhile; dropped once the connection opens. */
  handshake: HandshakeState | undefined;
  readonly output: OutboundWriter;
  /** What this connection used of its read budget this turn (see FairReads). */
  readonly reads: ConnectionReads;
  readonly #onDrop: DropListener;
  readonly #onRefusal: ConnectionContext['onRefusal'];
  /** See ConnectionContext `upgraded`. */
  readonly upgraded: boolean;

  constructor(
    readonly id: string,
    /** A `ws` socket, or an SseSocket for a client on the HTTP fallback. */
    readonly socket: HubSocket,
    readonly remoteAddress: string | undefined,
    context: ConnectionContext,
  ) {
    this.#onDrop = context.onDrop;
    this.#onRefusal = context.onRefusal;
    this.upgraded = context.upgraded;
    this.output = new OutboundWriter(socket, context.writer, this, context.deflater);
    this.reads = context.reads.track(this, socket);
  }

  get isOpen(): boolean {
    return this.state === 'open' && this.socket.readyState === SOCKET_OPEN;
  }

  send(frame: ServerFrame): boolean {
    if (frame.type === 'error') this.#onRefusal(this, frame.code, frame.message);
    return this.output.sendRaw(encodeFrame(frame));
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    if (this.state !== 'closing') this.state = 'closing';
    // Queued frames go out ahead of the close frame.
    this.output.flush(true);
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
      messagesOut: this.output.messagesOut,
      queuedMessages: this.output.queuedMessages,
      queuedBytes: this.output.bufferedAmount,
      dropped: this.output.dropped,
    };
  }

  dropped(topic: string, offset: number): void {
    this.#onDrop(this, topic, offset);
  }

  slowConsumer(cause: 'events' | 'replies'): void {
    this.state = 'closing';
    this.socket.close(CloseCode.SLOW_CONSUMER, SLOW_CONSUMER_REASONS[cause]);
    // The peer is not reading, so it may never answer the close frame.
    setTimeout(() => this.socket.terminate(), SLOW_CLOSE_GRACE_MS).unref();
  }
}
