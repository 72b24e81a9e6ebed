import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './redis-process.ts';

/**
 * A TCP proxy in front of Redis, to cut a node off the way networks do: `cut()` closes
 * every connection and refuses new ones until `restore()`; `freeze()` keeps the
 * connections open but stops forwarding on them (a silent, half-dead link), new ones still
 * pass.
 */
export class TcpProxy {
  readonly port: number;
  readonly #target: { host: string; port: number };
  readonly #pairs = new Set<[Socket, Socket]>();
  #server: Server | undefined;
  /** `blackhole()`: new connections are accepted and nothing passes on them. */
  #holding = false;

  private constructor(port: number, target: { host: string; port: number }) {
    this.port = port;
    this.#target = target;
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const proxy = new TcpProxy(await freePort(), {
      host: url.hostname,
      port: Number(url.port || 6379),
    });
    await proxy.restore();
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Listens (again) and forwards new connections. */
  restore(): Promise<void> {
    if (this.#server) return Promise.resolve();
    const server = createServer((client) => this.#pipe(client));
    this.#server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  /** Closes every connection and stops listening: reconnects are refused. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  }

  /** Stops forwarding on the connections open now, without closing them. */
  freeze(): void {
    for (const [a, b] of this.#pairs) {
      a.unpipe(b);
      b.unpipe(a);
      a.pause();
      b.pause();
    }
  }

  /**
   * `freeze()`, and new connections are accepted but frozen too: a path that drops every
   * packet, so no reconnect can get through until `thaw()`.
   */
  blackhole(): void {
    this.#holding = true;
    this.freeze();
  }

  /** Forwards again on frozen connections. */
  thaw(): void {
    this.#holding = false;
    for (const [a, b] of this.#pairs) {
      a.pipe(b);
      b.pipe(a);
    }
  }

  async close(): Promise<void> {
    await this.cut();
  }

  #pipe(client: Socket): void {
    const upstream = connect(this.#target);
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    if (this.#holding) {
      client.pause();
      upstream.pause();
    } else {
      client.pipe(upstream);
      upstream.pipe(client);
    }
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  }
}
