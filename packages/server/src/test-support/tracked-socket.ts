import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { HubSocket } from '../hub-socket.ts';
import { rawSocketOf } from '../raw-socket.ts';

/**
 * A `ws` WebSocket that remembers its instances, so a test can reach the TCP socket under
 * a WSClient to pause it (a stalled consumer) or destroy it (a network failure).
 */
export function trackedWebSocket(): {
  WebSocket: typeof WebSocket;
  sockets: WebSocket[];
  tcp(): Socket;
} {
  const sockets: WebSocket[] = [];
  class Tracked extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
  }
  return {
    WebSocket: Tracked as unknown as typeof WebSocket,
    sockets,
    tcp: () => rawSocketOf(sockets.at(-1)!)!,
  };
}

/** Destroys the hub side of a client's TCP connection, as a network failure would. */
export function destroyTcp(socket: WebSocket | HubSocket): void {
  rawSocketOf(socket as WebSocket)?.destroy();
}

/** A small seeded PRNG (mulberry32) so chaos runs can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
