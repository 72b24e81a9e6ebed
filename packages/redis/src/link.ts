import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import Redis, { type RedisOptions } from 'ioredis';
import { defineScripts } from './scripts.ts';

/** Runs on every (re)connection before the link carries anything else. */
export type Handshake = (client: Redis) => Promise<void>;

export interface LinkOptions {
  url: string;
  name: string;
  connectTimeoutMs: number;
  /** ioredis' per-command timeout; `undefined` for the reader, whose reads block. */
  commandTimeoutMs: number | undefined;
  redisOptions: RedisOptions;
  handshake: Handshake;
  /** Connection trouble, reported once per outage. */
  onTrouble: (error: unknown) => void;
}

/**
 * One ioredis connection that is only used once its handshake ran on the current socket.
 * Commands are never queued while disconnected, nor resent after a reconnect: an append whose
 * reply was lost rejects (a retry with the same id is a duplicate) instead of being run
 * again on a server the node has not checked yet.
 */
export class RedisLink {
  readonly client: Redis;
  readonly #handshake: Handshake;
  readonly #onTrouble: (error: unknown) => void;
  readonly #connectTimeoutMs: number;
  #ready = deferred();
  #isReady = false;
  #troubled = false;
  #closed = false;
  /** Sockets that closed after being ready: reconnects. */
  reconnects = 0;

  constructor(options: LinkOptions) {
    this.#handshake = options.handshake;
    this.#onTrouble = options.onTrouble;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.client = new Redis(options.url, {
      ...options.redisOptions,
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      // Commands in flight when the socket closes are rejected at once.
      maxRetriesPerRequest: 0,
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      connectionName: options.name,
    });
    defineScripts(this.client);
    this.client.on('ready', () => this.#onReady());
    this.client.on('close', () => this.#onClose());
    this.client.on('error', (error: unknown) => this.#trouble(error));
  }

  get isReady(): boolean {
    return this.#isReady && this.client.status === 'ready';
  }

  /** Connects once; rejects when the first attempt (connection and handshake) fails. */
  async connect(): Promise<void> {
    await this.client.connect();
    await this.ready(this.#connectTimeoutMs);
  }

  /** Resolves once the link is connected and its handshake ran; rejects after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void> {
    if (this.#isReady || timeoutMs === undefined) return this.#ready.promise;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new SwitchboardError(
              ErrorCode.NOT_CONNECTED,
              `Redis is not reachable (waited ${timeoutMs} ms for the connection)`,
            ),
          ),
        timeoutMs,
      );
      this.#ready.promise.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  /** Drops the socket and reconnects: for a connection that went silent without closing. */
  reconnect(): void {
    if (!this.#closed) this.client.disconnect(true);
  }

  /**
   * Closes for good. With `drain`, replies still due arrive first (QUIT is queued after
   * them), so an append in flight resolves with its entry; without, the socket goes now.
   */
  async close(drain: boolean): Promise<void> {
    this.#closed = true;
    this.#ready.reject(new SwitchboardError(ErrorCode.SERVER_SHUTTING_DOWN, 'Engine closed'));
    if (drain && this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }

  #onReady(): void {
    this.#handshake(this.client).then(
      () => {
        this.#isReady = true;
        this.#troubled = false;
        this.#ready.resolve();
      },
      (error: unknown) => {
        this.#trouble(error);
        // Try again on a fresh socket; the connection promise keeps waiting meanwhile.
        this.reconnect();
      },
    );
  }

  #onClose(): void {
    if (this.#isReady) this.reconnects += 1;
    this.#isReady = false;
    if (this.#ready.settled && !this.#closed) this.#ready = deferred();
  }

  #trouble(error: unknown): void {
    if (this.#closed || this.#troubled) return;
    this.#troubled = true;
    this.#onTrouble(error);
  }
}

interface Deferred {
  promise: Promise<void>;
  settled: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting when it is rejected (close before any command).
  promise.catch(() => {});
  const d: Deferred = {
    promise,
    settled: false,
    resolve: () => {
      d.settled = true;
      resolve();
    },
    reject: (error) => {
      d.settled = true;
      reject(error);
    },
  };
  return d;
}
