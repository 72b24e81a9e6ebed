import { ErrorCode, SwitchboardError } from './errors.ts';

/** Protocol versions this build speaks, newest first. */
export const PROTOCOL_VERSIONS = [1] as const;
export const CURRENT_PROTOCOL_VERSION = PROTOCOL_VERSIONS[0];

// No leading zeros: the server answers with the canonical name, so `v01` would make it pick a
// subprotocol the client never offered, which browsers and ws treat as a failed handshake.
const SUBPROTOCOL_PATTERN = /^switchboard\.v([1-9]\d{0,3})\.json$/;

/** The WebSocket subprotocol name for a version, e.g. `switchboard.v1.json`. */
export function subprotocolFor(version: number): string {
  return `switchboard.v${version}.json`;
}

/** Parses `switchboard.v1.json` into 1; anything else gives undefined. */
export function versionFromSubprotocol(name: string): number | undefined {
  if (typeof name !== 'string') return undefined;
  const match = SUBPROTOCOL_PATTERN.exec(name.trim());
  return match ? Number(match[1]) : undefined;
}

/** Subprotocol names a client offers, newest first. */
export function offeredSubprotocols(versions: readonly number[] = PROTOCOL_VERSIONS): string[] {
  return [...versions].sort((a, b) => b - a).map(subprotocolFor);
}

export type VersionNegotiation =
  | { ok: true; version: number }
  | { ok: false; error: SwitchboardError; supported: number[] };

/** Picks the highest version both sides speak, or an UNSUPPORTED_VERSION error listing ours. */
export function negotiateVersion(
  offered: readonly number[],
  supported: readonly number[] = PROTOCOL_VERSIONS,
): VersionNegotiation {
  let best: number | undefined;
  for (const version of offered) {
    if (supported.includes(version) && (best === undefined || version > best)) best = version;
  }
  if (best !== undefined) return { ok: true, version: best };
  const list = [...supported].sort((a, b) => b - a);
  return {
    ok: false,
    supported: list,
    error: new SwitchboardError(
      ErrorCode.UNSUPPORTED_VERSION,
      `None of the offered protocol versions [${offered.join(', ')}] is supported; this server speaks [${list.join(', ')}]`,
      { details: { supported: list, offered: [...offered] } },
    ),
  };
}

/** Picks the subprotocol a server should accept from a client's offer, if any. */
export function selectSubprotocol(
  offered: Iterable<string>,
  supported: readonly number[] = PROTOCOL_VERSIONS,
): string | undefined {
  let best: number | undefined;
  for (const name of offered) {
    const version = versionFromSubprotocol(name);
    if (
      version !== undefined &&
      supported.includes(version) &&
      (best === undefined || version > best)
    ) {
      best = version;
    }
  }
  return best === undefined ? undefined : subprotocolFor(best);
}
