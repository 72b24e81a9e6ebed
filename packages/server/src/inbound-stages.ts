import { type ClientFrame, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { RawData } from 'ws';
import type { ServerConnection } from './server-connection.ts';

/**
 * @internal
 * The size stage: a message over `maxPayload`, or before `welcome` over the pre-authentication
 * limit (but under the hard cap at which `ws` cuts the connection itself), is refused before it
 * is parsed.
 */
export function payloadTooLarge(
  size: number,
  limit: number,
  name: 'maxPayload' | 'preAuthBytes' = 'maxPayload',
): SwitchboardError | undefined {
  if (size <= limit) return undefined;
  const what = name === 'maxPayload' ? 'maxPayload' : 'what may be sent before authentication';
  return new SwitchboardError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `Message of ${size} bytes exceeds ${what} of ${limit} bytes`,
    { details: { [name]: limit } },
  );
}

/**
 * @internal
 * The heartbeat stage: app-level `ping` (browsers cannot see protocol pings) is answered with
 * `pong` in any phase, and `pong` needs nothing more (every message is a sign of life).
 * True when the frame was one of them and goes no further.
 */
export function answerHeartbeat(connection: ServerConnection, frame: ClientFrame): boolean {
  if (frame.type === 'ping') {
    connection.send({
      type: 'pong',
      ...(frame.id ? { id: frame.id } : {}),
      ...(frame.ts === undefined ? {} : { ts: frame.ts }),
    });
    return true;
  }
  return frame.type === 'pong';
}

/** @internal Bytes of a message as ws hands it over. */
export function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return (data as Buffer | ArrayBuffer).byteLength;
}
