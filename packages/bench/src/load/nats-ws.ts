import { CONNECT_COMMAND, NatsReader } from './nats-protocol.ts';
import { RawWebSocket } from './raw-ws.ts';

/**
 * A NATS client connection over the minimal WebSocket client: INFO, CONNECT, answers PINGs,
 * `flush()` round-trips a PING (so every command sent before it has been processed by the
 * server, as with nats.js's flush). Messages go to `reader.onMsg`.
 */
export class NatsWsConnection {
  readonly errors: string[] = [];
  readonly #pongs: Array<() => void> = [];

  private constructor(
    readonly ws: RawWebSocket,
    readonly reader: NatsReader,
  ) {}

  static async connect(port: number, timeoutMs = 30_000): Promise<NatsWsConnection> {
    // The server speaks first (INFO), possibly in the same read as the upgrade response.
    const reader = new NatsReader();
    let info: (() => void) | undefined;
    let infoSeen = false;
    reader.onInfo = () => {
      infoSeen = true;
      info?.();
    };
    const ws = await RawWebSocket.connect({
      port,
      path: '/',
      onMessage: (buf, start, end) => reader.feed(buf, start, end),
    });
    const conn = new NatsWsConnection(ws, reader);
    reader.onPing = () => {
      ws.send('PONG\r\n');
    };
    reader.onPong = () => conn.#pongs.shift()?.();
    reader.onError = (message) => {
      if (conn.errors.length < 10) conn.errors.push(message);
    };
    if (!infoSeen) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no NATS INFO within 30 s')), timeoutMs);
        info = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    reader.onInfo = () => {};
    ws.send(CONNECT_COMMAND);
    await conn.flush(timeoutMs);
    return conn;
  }

  send(command: string): boolean {
    return this.ws.send(command);
  }

  subscribe(subject: string, sid: number): void {
    this.ws.send(`SUB ${subject} ${sid}\r\n`);
  }

  /** Resolves once the server answered a PING sent after everything so far. */
  flush(timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no NATS PONG within ${timeoutMs} ms${this.#errorNote()}`));
      }, timeoutMs);
      this.#pongs.push(() => {
        clearTimeout(timer);
        if (this.errors.length > 0) reject(new Error(`NATS error: ${this.errors[0]}`));
        else resolve();
      });
      this.ws.send('PING\r\n');
    });
  }

  close(): void {
    this.ws.close();
  }

  #errorNote(): string {
    return this.errors.length > 0 ? ` (${this.errors[0]})` : '';
  }
}
