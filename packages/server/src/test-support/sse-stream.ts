import { type IncomingMessage, request } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * A raw client of the hub's HTTP fallback for tests: the event stream read with an
 * independent parser (eventsource-parser), so the hub's output is checked against a
 * third-party reading of the format, and POSTs of raw lines.
 */
export class SseStream {
  readonly events: EventSourceMessage[] = [];
  session = '';
  status = 0;
  body = '';
  response: IncomingMessage | undefined;
  #waiters: (() => void)[] = [];
  #ended = false;

  private constructor(readonly base: string) {}

  /** Opens a stream at `path` of `base` (`http://127.0.0.1:port`); resolves on its headers. */
  static async open(
    base: string,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<SseStream> {
    const stream = new SseStream(base);
    await stream.#get(path, headers);
    return stream;
  }

  /** Frames of the stream so far (the data of unnamed events, parsed). */
  get frames(): { type: string; [key: string]: unknown }[] {
    return this.events.filter((e) => e.event === undefined).map((e) => JSON.parse(e.data));
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves once `check` holds for the events read (checked after each one). */
  async until(check: (stream: SseStream) => boolean): Promise<void> {
    while (!check(this)) {
      if (this.#ended) throw new Error(`stream ended first: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** POSTs `lines` (joined with `\n`) to the session; resolves with the status and body. */
  post(
    lines: string[] | string,
    session = this.session,
  ): Promise<{ status: number; body: string }> {
    const body = typeof lines === 'string' ? lines : lines.join('\n');
    return send(this.base, 'POST', `${this.path}?session=${session}`, body);
  }

  /** Frames as JSON lines in one POST. */
  postFrames(...frames: object[]): Promise<{ status: number; body: string }> {
    return this.post(frames.map((frame) => JSON.stringify(frame)));
  }

  /** The stream's path, without the query. */
  path = '';

  destroy(): void {
    this.response?.destroy();
  }

  #get(path: string, headers: Record<string, string>): Promise<void> {
    this.path = path.split('?')[0]!;
    const parser = createParser({
      onEvent: (event) => {
        if (event.event === 'session') this.session = JSON.parse(event.data).session;
        this.events.push(event);
        this.#wake();
      },
    });
    return new Promise((resolve, reject) => {
      const req = request(`${this.base}${path}`, { headers }, (response) => {
        this.response = response;
        this.status = response.statusCode ?? 0;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (this.status === 200) parser.feed(chunk);
          else this.body += chunk;
        });
        response.on('close', () => {
          this.#ended = true;
          this.#wake();
        });
        resolve();
      });
      req.on('error', reject);
      req.end();
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** One HTTP request; resolves with the status and the body as text. */
export function send(
  base: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}
