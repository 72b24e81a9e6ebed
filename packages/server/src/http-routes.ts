import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@switchboard/protocol';

type Route = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface HttpRoutes {
  /** The HTTP fallback's stream and POSTs (the `sse` option); true when it answered. */
  sse: Route | undefined;
  /** `/health`, `/stats`, `/metrics` (the `httpEndpoints` option); true when it answered. */
  endpoints: Route | undefined;
  /** The `httpHandler` option: more routes, asked after the endpoints. */
  extra: Route | undefined;
  /** A throwing `httpHandler` (the request gets a 500). */
  error: (error: unknown) => void;
}

/**
 * Plain HTTP requests on the HTTP server the hub created: the HTTP fallback and its endpoints first, then the
 * caller's routes, then a JSON 404. A route that throws answers 500 and is reported.
 */
export function routeHttpRequests(http: HttpServer, routes: HttpRoutes): void {
  http.on('request', (request, response) => {
    let answered =
      routes.sse?.(request, response) === true || routes.endpoints?.(request, response) === true;
    try {
      answered ||= routes.extra?.(request, response) === true;
    } catch (error) {
      routes.error(error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: ErrorCode.INTERNAL_ERROR, message: 'Internal error' }));
      return;
    }
    if (!answered) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: ErrorCode.NOT_FOUND, message: 'Not found' }));
    }
  });
}
