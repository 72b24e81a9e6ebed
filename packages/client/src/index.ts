import WebSocket from 'ws';
import { ClientCore } from './client.ts';
import { nodeFetch } from './node-fetch.ts';
import type { ClientOptions } from './options.ts';

/**
 * Switchboard client for Node: `ws` is the default WebSocket, which also makes
 * `tokenTransport: 'header'` possible; the HTTP fallback runs on `node:http`.
 */
export class WSClient extends ClientCore {
  constructor(options: ClientOptions) {
    super(options, { defaultWebSocket: WebSocket, headers: true, fetch: nodeFetch });
  }
}

export * from './shared-exports.ts';
