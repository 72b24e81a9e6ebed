import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WSServer } from '@switchboard/server';
import type { AdminAccess } from './admin-access.ts';
import { ADMIN_CSP, ADMIN_CSS, ADMIN_PATH, adminHtml } from './admin-page.ts';
import { adminScript } from './page-bundle.ts';

/** One row of `GET /admin/api/clients`. */
export interface AdminClient {
  id: string;
  principal: string | null;
  remoteAddress: string | undefined;
  connectedAt: number;
  subscriptions: string[];
  queuedMessages: number;
  queuedBytes: number;
  messagesIn: number;
  messagesOut: number;
  dropped: number;
}

export interface AdminRoutesOptions {
  server: Pick<WSServer, 'getConnectedClients' | 'stats' | 'health'>;
  access: AdminAccess;
  name: string;
  /** Where the hub accepts WebSocket upgrades (`/` when any path). */
  hubPath: string;
  error: (error: Error) => void;
}

/**
 * `/admin` (the page), `/admin/admin.js` and `/admin/admin.css` (public: they hold no
 * secret), and `/admin/api/clients` (the connected clients with their queues and
 * subscriptions, `/stats` and `/health`), which needs `Authorization: Bearer <admin token>`.
 * Returns false for any other path, for the hub's 404.
 */
export function createAdminRoutes(
  options: AdminRoutesOptions,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const html = adminHtml(options.name, options.hubPath);
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== ADMIN_PATH && !path?.startsWith(`${ADMIN_PATH}/`)) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      json(
        response,
        405,
        { code: 'METHOD_NOT_ALLOWED', message: 'Use GET' },
        { allow: 'GET, HEAD' },
      );
      return true;
    }
    switch (path) {
      case ADMIN_PATH:
      case `${ADMIN_PATH}/`:
        send(response, 200, 'text/html; charset=utf-8', html, {
          'content-security-policy': ADMIN_CSP,
          'referrer-policy': 'no-referrer',
        });
        return true;
      case `${ADMIN_PATH}/admin.css`:
        send(response, 200, 'text/css; charset=utf-8', ADMIN_CSS);
        return true;
      case `${ADMIN_PATH}/favicon.ico`:
        send(response, 204, 'image/x-icon', '');
        return true;
      case `${ADMIN_PATH}/admin.js`:
        adminScript().then(
          (code) => send(response, 200, 'text/javascript; charset=utf-8', code),
          (error: unknown) => {
            const failure = error instanceof Error ? error : new Error(String(error));
            options.error(failure);
            send(response, 500, 'text/plain', `admin page bundle failed: ${failure.message}`);
          },
        );
        return true;
      case `${ADMIN_PATH}/api/clients`:
        if (!options.access.allows(request)) {
          json(
            response,
            401,
            { code: 'AUTHENTICATION_FAILED', message: 'Send Authorization: Bearer <admin token>' },
            { 'www-authenticate': 'Bearer realm="switchboard-admin"' },
          );
          return true;
        }
        json(response, 200, {
          health: options.server.health(),
          stats: options.server.stats(),
          clients: options.server.getConnectedClients().map(
            (client): AdminClient => ({
              id: client.id,
              principal: client.principal?.id ?? null,
              remoteAddress: client.remoteAddress,
              connectedAt: client.connectedAt,
              subscriptions: client.subscriptions,
              queuedMessages: client.queuedMessages,
              queuedBytes: client.queuedBytes,
              messagesIn: client.messagesIn,
              messagesOut: client.messagesOut,
              dropped: client.dropped,
            }),
          ),
        });
        return true;
      default:
        json(response, 404, { code: 'NOT_FOUND', message: 'Not found' });
        return true;
    }
  };
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(response, status, 'application/json', JSON.stringify(body), headers);
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
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
