import type { RawData } from 'ws';
import type { HubSocket } from './hub-socket.ts';
import type { ServerConnection } from './server-connection.ts';

const CONNECTION = Symbol('switchboard.connection');
type SocketWithConnection = HubSocket & { [CONNECTION]: ServerConnection };

/** @internal What the server does with the events of its sockets. */
export interface SocketHandlers {
  message(connection: ServerConnection, data: RawData, isBinary: boolean): void;
  close(connection: ServerConnection, code: number, reason: string): void;
  error(connection: ServerConnection, error: Error): void;
}

/**
 * @internal
 * One set of socket listeners (ws's events, which an SseSocket emits too) shared by every socket of a server (no closures per connection):
 * `this` is the socket, and the socket knows its connection.
 */
export function createSocketListeners(handlers: SocketHandlers) {
  const listeners = {
    message(this: HubSocket, data: RawData, isBinary: boolean): void {
      handlers.message((this as SocketWithConnection)[CONNECTION], data, isBinary);
    },
    pong(this: HubSocket): void {
      (this as SocketWithConnection)[CONNECTION].alive = true;
    },
    close(this: HubSocket, code: number, reason: Buffer): void {
      handlers.close((this as SocketWithConnection)[CONNECTION], code, reason.toString());
    },
    error(this: HubSocket, error: Error): void {
      handlers.error((this as SocketWithConnection)[CONNECTION], error);
    },
  };
  return {
    /** Binds `connection` to its socket and listens to it. */
    listen(connection: ServerConnection): void {
      const ws = connection.socket;
      (ws as SocketWithConnection)[CONNECTION] = connection;
      ws.on('message', listeners.message);
      ws.on('pong', listeners.pong);
      ws.on('close', listeners.close);
      ws.on('error', listeners.error);
    },
  };
}
