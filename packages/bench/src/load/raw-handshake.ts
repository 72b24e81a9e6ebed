import { CURRENT_PROTOCOL_VERSION } from '@switchboard/protocol';
import type { RawWebSocket } from './raw-ws.ts';

/**
 * Switchboard's handshake on a raw socket: `hello`, then one `subscribe` (id `s`); resolves on
 * its ack, rejects on an error frame or after 30 s. The caller installs its own `onMessage`
 * afterwards.
 */
export function helloAndSubscribe(ws: RawWebSocket, pattern: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no subscribe ack within 30 s')), 30_000);
    ws.onMessage = (buf, start, end) => {
      const frame = JSON.parse(buf.toString('utf8', start, end)) as {
        type: string;
        id?: string;
        message?: string;
      };
      if (frame.type === 'ack' && frame.id === 's') {
        clearTimeout(timer);
        resolve();
      } else if (frame.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`subscribe refused: ${frame.message}`));
      }
    };
    ws.send(JSON.stringify({ type: 'hello', versions: [CURRENT_PROTOCOL_VERSION] }));
    ws.send(JSON.stringify({ type: 'subscribe', id: 's', topics: [pattern] }));
  });
}
