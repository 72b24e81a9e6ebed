import {
  ErrorCode,
  encodeFrame,
  type MessageFrame,
  parseServerFrame,
  SwitchboardError,
} from '@switchboard/protocol';

/**
 * @internal
 * Encodes what `sendMessage` and `broadcast` were given as a `message` frame, the one frame
 * a client hands to the application as it came (`message` and `message:<type>` events). The
 * seed API sent application objects such as `{ type: 'notification', data }` as they were,
 * which a client that validates frames can only refuse; wrapped, they arrive.
 *
 * Checked once per call with the client's own parser, so a value the client would refuse
 * (too deep, not JSON) fails here, loudly, instead of being written and dropped over there.
 */
export function encodeAppMessage(method: string, message: unknown): string {
  if (message === undefined || typeof message === 'function' || typeof message === 'symbol') {
    throw new TypeError(`WSServer.${method}: the message must be a JSON value`);
  }
  const frame: MessageFrame = { type: 'message', data: message };
  let text: string;
  try {
    text = encodeFrame(frame);
  } catch (error) {
    throw new SwitchboardError(
      ErrorCode.INVALID_MESSAGE,
      `WSServer.${method}: the message cannot be encoded as JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
  const parsed = parseServerFrame(text);
  if (!parsed.ok) {
    throw new SwitchboardError(
      ErrorCode.INVALID_MESSAGE,
      `WSServer.${method}: a client would refuse this message: ${parsed.error.message}`,
      { cause: parsed.error },
    );
  }
  return text;
}

/** @internal A client id, or the id of a `ClientInfo` (what `getConnectedClients()` lists). */
export function clientIdOf(method: string, client: string | { readonly id: string }): string {
  if (typeof client === 'string') return client;
  if (typeof client === 'object' && client !== null && typeof client.id === 'string') {
    return client.id;
  }
  throw new TypeError(`WSServer.${method}: expected a client id or a ClientInfo`);
}
