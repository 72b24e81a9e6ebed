import { ClientCore } from './client.ts';
import type { ClientOptions } from './options.ts';
import type { FetchLike } from './sse-socket.ts';
import type { WebSocketImplementation } from './websocket.ts';

/**
 * Switchboard client for browsers (and any runtime with a global WebSocket): no Node
 * import anywhere below this file. Tokens go in `hello` or the query string, since
 * browsers cannot set headers on a WebSocket.
 */
export class WSClient extends ClientCore {
  constructor(options: ClientOptions) {
    // Read at construction, not import, so that server-side rendering can import this file.
    const global = (globalThis as { WebSocket?: WebSocketImplementation }).WebSocket;
    const fetch = (globalThis as { fetch?: FetchLike }).fetch;
    super(options, {
      defaultWebSocket: global,
      headers: false,
      fetch: fetch === undefined ? undefined : () => fetch.bind(globalThis),
    });
  }
}

export * from './shared-exports.ts';
