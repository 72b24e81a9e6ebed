import type { Socket } from 'node:net';
import type WebSocket from 'ws';

/**
 * The TCP socket under a `ws` WebSocket: the one place (with `setMessageLimit`) that reads
 * ws's private fields.
 *
 * The hub writes pre-framed bytes to it, so that everything bound for one socket in a turn
 * leaves in one write (ws has no batch API); tests and the benchmark use it to pause or cut a
 * connection. Writing next to ws is safe because the hub never sends a data message through ws
(with permessage-deflate negotiated it compresses its own frames, see frame-deflate.ts):
 *
 * - ws writes each of its own frames (ping, pong, close) to this socket synchronously, within
 *   the call that makes it, so bytes written here land between whole frames, never inside one;
 * - ws's sender queues frames only while it compresses or reads a Blob, and the hub sends
 *   nothing through ws but control frames (which ws never compresses), so no frame of ws's
 *   can wait behind ours, compression negotiated or not;
 * - `ws.bufferedAmount` is this socket's `writableLength` plus that (empty) queue, so bytes
 *   written here count as buffered for ws as well.
 *
 * `raw-socket.test.ts` pins each of these against the installed `ws`.
 */
export function rawSocketOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket | null })._socket ?? undefined;
}

/**
 * Sets the largest message `ws` buffers for `socket` (its receiver's `_maxPayload`, which the
 * receiver reads per frame); beyond it ws closes with 1009 without buffering the rest. The hub
 * keeps it small until a connection is authenticated. With permessage-deflate negotiated the
 * same bound goes to ws's inflater (its `_maxPayload`, read per inflated chunk), which stops
 * inflating a message there: the limit is on the decompressed size, and a small compressed
 * frame cannot make the hub hold more. False when a field is not there.
 */
export function setMessageLimit(socket: WebSocket, bytes: number): boolean {
  const internals = socket as unknown as {
    _receiver?: { _maxPayload?: unknown } | null;
    _extensions?: Record<string, { _maxPayload?: unknown } | undefined>;
  };
  const receiver = internals._receiver;
  if (typeof receiver?._maxPayload !== 'number') return false;
  receiver._maxPayload = bytes;
  const inflater = internals._extensions?.['permessage-deflate'];
  if (inflater === undefined) return true;
  if (typeof inflater._maxPayload !== 'number') return false;
  inflater._maxPayload = bytes;
  return true;
}
