import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResolvedServerOptions } from './options.ts';
import { checkAnonymousAddress, checkAnonymousHost } from './upgrade.ts';

/**
 * Brings the hub's HTTP server up: its own server listens on the configured port and host; a
 * server the caller passed in is waited for. Either way the loopback guard for anonymous
 * clients checks the address it ends up on.
 */
export async function listenHttp(
  http: HttpServer,
  options: ResolvedServerOptions,
  ownsHttp: boolean,
): Promise<void> {
  if (!ownsHttp) {
    if (!http.listening) {
      await new Promise<void>((resolve) => http.once('listening', resolve));
    }
    checkAnonymousAddress(options, http.address() as AddressInfo | null);
    return;
  }
  checkAnonymousHost(options, options.host);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    http.once('error', onError);
    http.listen(options.port, options.host, () => {
      http.off('error', onError);
      resolve();
    });
  });
}

/** `ws://host:port/path` of a listening hub (IPv6 hosts in brackets). */
export function hubUrl(http: HttpServer, host: string, path: string | undefined): string {
  const address = http.address() as AddressInfo | null;
  const shown = address?.family === 'IPv6' ? `[${address.address}]` : (address?.address ?? host);
  return `ws://${shown}:${address?.port ?? 0}${path ?? ''}`;
}
