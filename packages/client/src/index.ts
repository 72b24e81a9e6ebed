import WebSocket from 'ws';
import { ClientCore } from './client.ts';
import type { ClientOptions } from './options.ts';

/**
 * Switchboard client for Node: `ws` is the default WebSocket, which also makes
 * `tokenTransport: 'header'` possible.
 */
export class WSClient extends ClientCore {
  constructor(options: ClientOptions) {
    super(options, { defaultWebSocket: WebSocket, headers: true });
  }
}

export * from './shared-exports.ts';
