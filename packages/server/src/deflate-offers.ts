import type { DeflateSettings } from './deflate-options.ts';

const NAME = 'permessage-deflate';

/**
 * @internal
 * The client's `Sec-WebSocket-Extensions` offer reduced to the permessage-deflate offers the
 * hub accepts with `settings`; undefined when none is left. `ws` answers an offer it cannot
 * accept (a client asking for a smaller server window, or one that does not let the hub set
 * `client_max_window_bits` when it is configured), or a malformed one, with HTTP 400, where the
 * RFC lets a server ignore the extension: with the offer removed, such a client connects
 * uncompressed. Other extensions are dropped too; the hub supports none.
 */
export function acceptableOffers(header: string, settings: DeflateSettings): string | undefined {
  const kept: string[] = [];
  for (const offer of header.split(',')) {
    const [name, ...params] = offer.split(';').map((part) => part.trim());
    if (name?.toLowerCase() !== NAME) continue;
    if (acceptable(params, settings)) kept.push([NAME, ...params].join('; '));
  }
  return kept.length === 0 ? undefined : kept.join(', ');
}

function acceptable(params: string[], settings: DeflateSettings): boolean {
  const seen = new Set<string>();
  let clientBits: number | true | undefined;
  for (const param of params) {
    const [rawKey, rawValue, ...rest] = param.split('=');
    const key = rawKey!.trim().toLowerCase();
    const value = rawValue?.trim().replace(/^"(.*)"$/, '$1');
    if (rest.length > 0 || seen.has(key)) return false;
    seen.add(key);
    if (key === 'server_no_context_takeover' || key === 'client_no_context_takeover') {
      if (value !== undefined) return false;
    } else if (key === 'server_max_window_bits') {
      const bits = windowBits(value);
      if (bits === undefined || bits < settings.serverMaxWindowBits) return false;
    } else if (key === 'client_max_window_bits') {
      if (value === undefined) clientBits = true;
      else {
        const bits = windowBits(value);
        if (bits === undefined) return false;
        clientBits = bits;
      }
    } else {
      return false;
    }
  }
  const wanted = settings.clientMaxWindowBits;
  if (wanted === undefined) return true;
  return clientBits === true || (clientBits !== undefined && clientBits >= wanted);
}

function windowBits(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const bits = Number(value);
  return bits >= 8 && bits <= 15 ? bits : undefined;
}
