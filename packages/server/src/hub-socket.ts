import type { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import type WebSocket from 'ws';
import { rawSocketOf, setMessageLimit } from './raw-socket.ts';
import { SseSocket } from './sse-socket.ts';

/**
 * @internal
 * The part of a `ws` WebSocket the hub uses, which both transports provide: a `ws` socket
 * (WebSocket) and an SseSocket (server-sent events down, POST up, see sse-socket.ts). It
 * emits `message` (data, isBinary), `pong`, `close` (code, reason Buffer) and `error`, as ws
 * does. Everything above the connection (handshake, pipeline, router, write path, limits)
 * sees this and never which transport it is.
 */
export interface HubSocket extends Pick<EventEmitter, 'on' | 'once'> {
  /** ws's readyState values: 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** The subprotocol chosen at the upgrade; empty when none (always for SSE). */
  readonly protocol: string;
  /** The extensions negotiated (permessage-deflate); empty when none. */
  readonly extensions: string;
  close(code: number, reason: string): void;
  /** Cuts the connection without a closing handshake (`close` follows with 1006). */
  terminate(): void;
  /** A liveness probe; the peer's answer emits `pong`. */
  ping(): void;
  /** Stops reading the peer; what was already read is still emitted (see FairReads). */
  pause(): void;
  resume(): void;
}

/**
 * @internal
 * Where the hub writes a connection's pre-framed bytes (RFC 6455 frames, see
 * frame-encoder.ts): the TCP socket under a `ws` socket, or an SseSocket's output, which
 * turns each frame into an event of the stream.
 */
export type RawOutput = Pick<
  Writable,
  'write' | 'writableLength' | 'writableNeedDrain' | 'destroyed' | 'once'
>;

/** @internal The raw output of either transport; undefined once a ws socket lost its TCP socket. */
export function outputOf(socket: HubSocket): RawOutput | undefined {
  return socket instanceof SseSocket ? socket.output : rawSocketOf(socket as WebSocket);
}

/**
 * @internal Sets the largest message the socket takes (see setMessageLimit); beyond it the
 * socket closes with 1009 without keeping the rest. False when ws's fields are not there.
 */
export function limitMessages(socket: HubSocket, bytes: number): boolean {
  if (!(socket instanceof SseSocket)) return setMessageLimit(socket as WebSocket, bytes);
  socket.messageLimit = bytes;
  return true;
}

/** ws's `WebSocket.OPEN`, the same for both transports. */
export const SOCKET_OPEN = 1;
