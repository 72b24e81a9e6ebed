import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { FetchLike } from './sse-socket.ts';

/**
 * The HTTP fallback's fetch in Node, on `node:http`: unlike the global fetch it can unref
 * its sockets, so that `keepProcessAlive: false` holds on the fallback too.
 */
export function nodeFetch(keepProcessAlive: boolean): FetchLike {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(
        target,
        {
          method: init.method,
          headers: init.headers,
          ...(init.signal === undefined ? {} : { signal: init.signal }),
        },
        (response) => {
          resolve({
            status: response.statusCode ?? 0,
            body: Readable.toWeb(response) as ReadableStream<Uint8Array>,
            async text() {
              const chunks: Buffer[] = [];
              for await (const chunk of response) chunks.push(chunk as Buffer);
              return Buffer.concat(chunks).toString('utf8');
            },
          });
        },
      );
      if (!keepProcessAlive) request.on('socket', (socket) => socket.unref());
      request.on('error', reject);
      request.end(init.body);
    });
}
