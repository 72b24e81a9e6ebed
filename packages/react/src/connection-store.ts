import {
  type ClientState,
  type DisconnectedEvent,
  ErrorCode,
  SwitchboardError,
  type WSClient,
} from '@switchboard/client';
import { perClient } from './per-client.ts';

/** What `useConnectionStatus` returns. */
export interface ConnectionInfo {
  state: ClientState;
  /** The reconnect attempt being waited for or tried (1 for the first); 0 otherwise. */
  attempt: number;
  /** The wait before that attempt, ms (full jitter); undefined when not reconnecting. */
  delayMs: number | undefined;
  /**
   * Why the last attempt failed or the client gave up: a refused or failed first
   * `connect()` made by the provider, or `reconnect-failed`. Cleared on `connected`.
   */
  error: SwitchboardError | undefined;
  /** How the last connection ended, until the next one is up. */
  lastDisconnect: DisconnectedEvent | undefined;
  /** The hub's id for this connection while connected. */
  connectionId: string | undefined;
  /**
   * `client.connect()`, followed by the status: use it to try again after a failed first
   * connect (the client does not retry those), e.g. from a button.
   */
  connect(): Promise<void>;
}

const SERVER_STATUS: ConnectionInfo = Object.freeze({
  state: 'idle',
  attempt: 0,
  delayMs: undefined,
  error: undefined,
  lastDisconnect: undefined,
  connectionId: undefined,
  connect: () =>
    Promise.reject(
      new SwitchboardError(ErrorCode.NOT_CONNECTED, 'Cannot connect while rendering on a server'),
    ),
});

/**
 * One per client: the connection status as an external store, fed by the client's
 * lifecycle events. The client emits nothing when `connect()` starts or when a first
 * `connect()` fails, so `getSnapshot` also compares with `client.state`, and connects made
 * through `connect` here (the provider's among them) report their failures.
 */
export class ConnectionStore {
  readonly #client: WSClient;
  readonly #listeners = new Set<() => void>();
  #snapshot: ConnectionInfo;
  #unlisten: (() => void) | undefined;

  constructor(client: WSClient) {
    this.#client = client;
    this.#snapshot = { ...SERVER_STATUS, state: client.state, connect: this.connect };
  }

  readonly subscribe = (onChange: () => void): (() => void) => {
    this.#listeners.add(onChange);
    if (this.#unlisten === undefined) this.#listen();
    return () => {
      this.#listeners.delete(onChange);
      if (this.#listeners.size === 0) {
        this.#unlisten?.();
        this.#unlisten = undefined;
      }
    };
  };

  readonly getSnapshot = (): ConnectionInfo => {
    const state = this.#client.state;
    if (state !== this.#snapshot.state) this.#snapshot = this.#next({ state });
    return this.#snapshot;
  };

  readonly getServerSnapshot = (): ConnectionInfo => SERVER_STATUS;

  /**
   * Connects the client and follows it: the client emits nothing when a connect starts or
   * when a first connect fails. The returned promise is the client's; ignoring it is safe.
   */
  readonly connect = (): Promise<void> => {
    const connecting = this.#client.connect();
    this.#update({});
    connecting.catch((error: unknown) => this.#update({ error: SwitchboardError.from(error) }));
    return connecting;
  };

  #listen(): void {
    const client = this.#client;
    const offs = [
      client.listen('connected', () =>
        this.#update({
          attempt: 0,
          delayMs: undefined,
          error: undefined,
          lastDisconnect: undefined,
        }),
      ),
      client.listen('disconnected', (info) => this.#update({ lastDisconnect: info })),
      client.listen('reconnecting', ({ attempt, delayMs }) => this.#update({ attempt, delayMs })),
      client.listen('reconnect-failed', ({ error }) =>
        this.#update({ delayMs: undefined, ...(error === undefined ? {} : { error }) }),
      ),
    ];
    this.#unlisten = () => {
      for (const off of offs) off();
    };
  }

  #update(change: Partial<ConnectionInfo>): void {
    this.#snapshot = this.#next(change);
    for (const listener of [...this.#listeners]) listener();
  }

  #next(change: Partial<ConnectionInfo>): ConnectionInfo {
    const state = change.state ?? this.#client.state;
    const merged = { ...this.#snapshot, ...change, state };
    merged.connectionId = state === 'connected' ? this.#client.connectionId : undefined;
    if (state !== 'reconnecting') {
      merged.attempt = 0;
      merged.delayMs = undefined;
    }
    return merged;
  }
}

/** The status store of a client. */
export const connectionStore = perClient((client) => new ConnectionStore(client));
