import { usageError } from '../exit-codes.ts';

/** Checks a hub URL given on the command line: `ws:`, `wss:`, `http:` or `https:`. */
export function hubUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`"${value}" is not a URL; expected e.g. ws://127.0.0.1:8080`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
    throw usageError(`"${value}": expected a ws://, wss://, http:// or https:// URL`);
  }
  return url;
}

/**
 * Where a hub serves `/health` and `/stats`: the same host and port as its WebSocket, over
 * `http:` for `ws:` and `https:` for `wss:`, at the root whatever the WebSocket path.
 */
export function httpEndpoint(url: URL, path: '/health' | '/stats'): URL {
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  return new URL(path, `${secure ? 'https' : 'http'}://${url.host}`);
}
