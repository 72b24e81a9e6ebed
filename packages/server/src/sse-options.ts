import { checkInteger, checkKnownOptions, checkType, withDefaults } from '@switchboard/protocol';

/**
 * The HTTP fallback (WSServer `sse`): server-sent events down and POST up, for networks that
 * block WebSocket (see the README, "HTTP fallback").
 */
export interface SseOptions {
  /**
   * Path of the event stream and its POSTs. @default the hub's `path` followed by `/sse`; with
   * no `path`, any path ending in `/sse` (as upgrades are taken on any path)
   */
  path?: string;
  /**
   * Bytes of the last events written that each session keeps, so that a client whose stream
   * broke gets again, after its `Last-Event-ID`, what it may not have read. A client that comes
   * back for more than is kept opens a new session and resumes through the protocol. Memory
   * per busy session; 0 keeps none. @default 65_536
   */
  resumeBytes?: number;
  /**
   * How long a session whose stream went away waits for its client to reopen it (the
   * connection stays, its events queued within the usual bounds); then it closes 1006.
   * @default 10_000
   */
  reattachTimeoutMs?: number;
}

/** The SSE transport's settings (WSServer option `sse`). */
export interface SseSessionOptions {
  /** Bytes of events kept per session for a client that comes back with Last-Event-ID. */
  resumeBytes: number;
  /** How long a session waits for its client to reopen the stream before it is closed. */
  reattachTimeoutMs: number;
}

/** The `sse` option, resolved: where the HTTP fallback listens and its bounds. */
export interface ResolvedSseOptions extends SseSessionOptions {
  /** The stream's path; undefined: any path ending in `/sse` (the hub has no `path`). */
  path: string | undefined;
}

export const SSE_DEFAULTS = { resumeBytes: 65_536, reattachTimeoutMs: 10_000 } as const;

/** `sse` resolved against the hub's `path`; undefined when the fallback is off (`false`). */
export function resolveSseOptions(
  owner: string,
  value: boolean | SseOptions | undefined,
  hubPath: string | undefined,
): ResolvedSseOptions | undefined {
  if (value === false) return undefined;
  if (value !== undefined && value !== true) {
    checkType(owner, 'sse', value, 'object');
    checkKnownOptions(`${owner} option "sse"`, value, ['path', 'resumeBytes', 'reattachTimeoutMs']);
    checkType(owner, 'sse.path', value.path, 'string');
    if (value.path !== undefined && !value.path.startsWith('/')) {
      throw new TypeError(`${owner} option "sse.path" must start with "/", got "${value.path}"`);
    }
    checkInteger(owner, 'sse.resumeBytes', value.resumeBytes, { min: 0 });
    checkInteger(owner, 'sse.reattachTimeoutMs', value.reattachTimeoutMs, {
      min: 1,
      max: 2_147_483_647,
    });
  }
  const given = typeof value === 'object' ? value : {};
  const resolved = withDefaults(SSE_DEFAULTS, given as Record<string, unknown>) as {
    resumeBytes: number;
    reattachTimeoutMs: number;
    path?: string;
  };
  const path =
    given.path ?? (hubPath === undefined ? undefined : `${hubPath.replace(/\/+$/, '')}/sse`);
  return {
    resumeBytes: resolved.resumeBytes,
    reattachTimeoutMs: resolved.reattachTimeoutMs,
    path,
  };
}
