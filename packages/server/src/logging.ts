import { checkKnownOptions, checkOneOf } from '@switchboard/protocol';
import { type LevelWithSilent, type Logger, pino } from 'pino';
import type { ClientInfo } from './client-info.ts';

/** The `logger` option of WSServer: a pino logger of yours, or the level of one the hub makes. */
export type LoggerOption = Logger | { level?: LevelWithSilent };

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The hub's logger, or `undefined` (no logging, the default). `{ level }` makes a pino
 * logger writing JSON lines to stdout, named after the hub; anything else with pino's
 * methods (`info`, `warn`, `child`…) is used as it is.
 */
export function resolveLogger(value: LoggerOption | undefined, name: string): Logger | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError('WSServer option "logger" must be a pino logger or { level }');
  }
  if (isLogger(value)) return value;
  checkKnownOptions('WSServer option "logger"', value, ['level']);
  checkOneOf('WSServer', 'logger.level', value.level, LEVELS);
  return pino({ name, level: value.level ?? 'info' });
}

function isLogger(value: object): value is Logger {
  const candidate = value as Partial<Logger>;
  return (
    typeof candidate.info === 'function' &&
    typeof candidate.warn === 'function' &&
    typeof candidate.child === 'function'
  );
}

/**
 * @internal
 * What the hub logs. Fields are the connection id, the remote address, the principal id,
 * codes and counts: never a token, a payload, a topic's data or a message text that may
 * echo what a client sent (an INVALID_MESSAGE message quotes the bad frame, so only its code
 * is logged; a close reason is logged as the error code it starts with, if any).
 */
export class HubLog {
  /** Events dropped per connection: one line at the first, the total at the close. */
  readonly #dropped = new Map<string, number>();

  constructor(readonly logger: Logger) {}

  listening(url: string): void {
    this.logger.info({ event: 'listening', url }, 'hub listening');
  }

  opened(client: ClientInfo): void {
    this.logger.debug(
      { event: 'connection', connectionId: client.id, remoteAddress: client.remoteAddress },
      'connection opened',
    );
  }

  authenticated(client: ClientInfo): void {
    this.logger.info(
      {
        event: 'authenticated',
        connectionId: client.id,
        remoteAddress: client.remoteAddress,
        principalId: client.principal?.id,
      },
      'client connected',
    );
  }

  closed(client: ClientInfo, code: number, reason: string): void {
    const dropped = this.#dropped.get(client.id) ?? 0;
    this.#dropped.delete(client.id);
    const reasonCode = /^([A-Z][A-Z_]+):/.exec(reason)?.[1];
    this.logger.info(
      {
        event: 'disconnection',
        connectionId: client.id,
        remoteAddress: client.remoteAddress,
        principalId: client.principal?.id,
        code,
        ...(reasonCode === undefined ? {} : { reasonCode }),
        durationMs: Date.now() - client.connectedAt,
        messagesIn: client.messagesIn,
        messagesOut: client.messagesOut,
        ...(dropped > 0 ? { dropped } : {}),
      },
      'connection closed',
    );
  }

  refused(
    connectionId: string,
    remoteAddress: string | undefined,
    code: string,
    message: string,
  ): void {
    // Floods of these are counted in metrics; one line each only at debug.
    const level = code === 'RATE_LIMIT_EXCEEDED' ? 'debug' : 'warn';
    this.logger[level](
      {
        event: 'refusal',
        connectionId,
        remoteAddress,
        code,
        ...(code === 'INVALID_MESSAGE' ? {} : { detail: message }),
      },
      'frame refused',
    );
  }

  upgradeRefused(status: number, remoteAddress: string | undefined, why: string): void {
    this.logger.warn({ event: 'upgrade-refused', status, remoteAddress, why }, 'upgrade refused');
  }

  /** The first event dropped for a slow consumer; the close line carries the total. */
  dropped(connectionId: string, client: () => ClientInfo): void {
    const dropped = this.#dropped.get(connectionId) ?? 0;
    this.#dropped.set(connectionId, dropped + 1);
    if (dropped > 0) return;
    const info = client();
    this.logger.warn(
      { event: 'slow-consumer', connectionId: info.id, remoteAddress: info.remoteAddress },
      'slow consumer: dropping its oldest events',
    );
  }

  error(error: Error): void {
    this.logger.error({ event: 'error', err: error }, 'hub error');
  }

  shutdown(connections: number): void {
    this.logger.info({ event: 'shutdown', connections }, 'shutting down');
  }

  shutdownDone(): void {
    this.logger.info({ event: 'shutdown-complete' }, 'shut down');
  }
}

/** @internal The events of WSServer the log follows. */
interface LoggedServer {
  readonly url: string;
  on(event: 'listening', listener: () => void): unknown;
  on(event: 'connection' | 'authenticated', listener: (client: ClientInfo) => void): unknown;
  on(
    event: 'disconnection',
    listener: (client: ClientInfo, code: number, reason: string) => void,
  ): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** @internal Logs the server's lifecycle events; returns `log` for the direct calls. */
export function logServerEvents(server: LoggedServer, log: HubLog): HubLog {
  server.on('listening', () => log.listening(server.url));
  server.on('connection', (client) => log.opened(client));
  server.on('authenticated', (client) => log.authenticated(client));
  server.on('disconnection', (client, code, reason) => log.closed(client, code, reason));
  server.on('error', (error) => log.error(error));
  return log;
}
