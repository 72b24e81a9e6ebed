import { CloseCode, encodeFrame } from '@switchboard/protocol';
import type { ServerConnection } from './server-connection.ts';

/**
 * @internal
 * Tells every client to reconnect elsewhere (`disconnect` with `reconnect: true`), lets its
 * queued frames flush ahead of a 1001 close, and cuts the sockets still open after
 * `timeoutMs`. Resolves once every connection is closed.
 */
export async function drainConnections(
  connections: Map<string, ServerConnection>,
  timeoutMs: number,
): Promise<void> {
  const closed = [...connections.values()].map(
    (connection) =>
      new Promise<void>((resolve) => {
        if (connection.state === 'closed') return resolve();
        connection.socket.once('close', () => resolve());
        connection.output.sendRaw(
          encodeFrame({
            type: 'disconnect',
            code: CloseCode.GOING_AWAY,
            reason: 'Server shutting down',
            reconnect: true,
          }),
        );
        connection.close(CloseCode.GOING_AWAY, 'Server shutting down');
      }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([Promise.all(closed), deadline]);
  clearTimeout(timer);
  // Also those whose upgrade finished while the drain ran.
  for (const connection of connections.values()) connection.socket.terminate();
  await Promise.all(closed);
}
