import type { IncomingHttpHeaders } from 'node:http';

export interface TransportToken {
  token: string;
  transport: 'header' | 'query';
}

/** Reads a token from `Authorization: Bearer` or the `token` query parameter (browsers). */
export function tokenFromRequest(request: {
  headers: IncomingHttpHeaders;
  url?: string;
}): TransportToken | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match?.[1]) return { token: match[1], transport: 'header' };
  }
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  if (queryAt !== -1) {
    const token = new URLSearchParams(url.slice(queryAt + 1)).get('token');
    if (token) return { token, transport: 'query' };
  }
  return undefined;
}
