import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WSServer } from '@switchboard/server';
import { bundleDashboard } from './bundle.ts';
import { dashboardHtml } from './page.ts';

/** Where the hub accepts WebSocket upgrades on the shared HTTP server. */
export const HUB_PATH = '/ws';

/**
 * The HTTP side of the demo: the dashboard page and its script, and the hub's own
 * `/health` and `/stats` (answered by the WSServer attached to the same http.Server).
 */
export function createRequestHandler(
  hub: Pick<WSServer, 'handleHttpRequest'>,
  onError: (error: Error) => void,
): (request: IncomingMessage, response: ServerResponse) => void {
  const html = dashboardHtml();
  return (request, response) => {
    if (hub.handleHttpRequest(request, response)) return;
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain', 'Method not allowed', { allow: 'GET, HEAD' });
      return;
    }
    switch (path) {
      case '/':
      case '/index.html':
        send(response, 200, 'text/html; charset=utf-8', html, {
          'content-security-policy':
            "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'",
          // The token is in the page's URL: keep it out of Referer headers.
          'referrer-policy': 'no-referrer',
        });
        return;
      case '/dashboard.js':
        bundleDashboard().then(
          (bundle) => {
            const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
            send(
              response,
              200,
              'text/javascript; charset=utf-8',
              gzip ? bundle.gzip : bundle.code,
              {
                vary: 'accept-encoding',
                ...(gzip ? { 'content-encoding': 'gzip' } : {}),
              },
            );
          },
          (error: unknown) => {
            const failure = error instanceof Error ? error : new Error(String(error));
            onError(failure);
            send(response, 500, 'text/plain', `dashboard bundle failed: ${failure.message}`);
          },
        );
        return;
      case '/favicon.ico':
        send(response, 204, 'text/plain', '');
        return;
      default:
        send(response, 404, 'text/plain', 'Not found');
    }
  };
}

/** Upgrades for any other path than the hub's get a 404 instead of hanging. */
export function rejectOtherUpgrades(request: IncomingMessage, socket: Duplex): void {
  const path = (request.url ?? '/').split('?')[0];
  if (path === HUB_PATH) return;
  socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
