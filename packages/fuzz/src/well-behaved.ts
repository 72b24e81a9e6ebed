import { randomUUID } from 'node:crypto';
import { compilePattern, subprotocolFor } from '@switchboard/protocol';
import WebSocket from 'ws';
import { RESTRICTED_PATTERN } from './principals.ts';

type Incoming = Record<string, unknown> & { type: string };

/** A polite peer: hello, welcome, JSON frames in and out, answers matched by id. */
class Peer {
  readonly closed: Promise<number>;
  readonly #pending = new Map<string, (frame: Incoming) => void>();
  #listener: (frame: Incoming) => void = () => {};

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Incoming;
      this.#listener(frame);
      const key =
        frame.type === 'welcome' ? 'welcome' : frame.type === 'event' ? undefined : frame.id;
      if (typeof key !== 'string') return;
      const resolve = this.#pending.get(key);
      this.#pending.delete(key);
      resolve?.(frame);
    });
    socket.on('error', () => {});
  }

  static async open(url: string, token: string): Promise<Peer> {
    const socket = new WebSocket(url, [subprotocolFor(1)]);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const peer = new Peer(socket);
    await peer.#ask('welcome', { type: 'hello', versions: [1], token });
    return peer;
  }

  on(listener: (frame: Incoming) => void): void {
    this.#listener = listener;
  }

  send(frame: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Sends a frame with an id; resolves with its answer, rejects if the connection closes. */
  ask(frame: { id: string; [key: string]: unknown }): Promise<Incoming> {
    return this.#ask(frame.id, frame);
  }

  #ask(key: string, frame: unknown): Promise<Incoming> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('closed'));
    return new Promise((resolve, reject) => {
      this.#pending.set(key, resolve);
      this.closed.then((code) => {
        if (this.#pending.delete(key)) reject(new Error(`closed with ${code}`));
      });
      this.send(frame);
    });
  }

  close(): Promise<number> {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000);
    return this.closed;
  }
}

export interface WellBehavedReport {
  published: number;
  acked: number;
  /** Publishes the hub refused (any error answer). */
  refused: number;
  received: number;
  /** Events of the publisher that came out of order, twice, or with a gap. */
  orderViolations: number;
  /** Acked publishes the subscriber never received. */
  missing: number;
  /** `dropped` frames the subscriber got. */
  dropped: number;
  pings: number;
  pingsUnanswered: number;
  pingRttP99Ms: number;
  pingRttMaxMs: number;
  /** Events outside `agent.7.#` that reached the well-behaved restricted subscriber. */
  restrictedLeaks: number;
  /** Closes of the well-behaved connections (each one is a failure). */
  unexpectedCloses: number;
}

const TOPIC = 'watch.stream';

/**
 * The well-behaved side of the soak: a publisher sending numbered events on `watch.stream`
 * (a few in flight, each awaited), a subscriber that checks every one of them arrives once and
 * in order while it pings the hub every 50 ms, and an `agent7` subscriber that may see only
 * `agent.7.#`. Fuzzing connections may publish on the same topic; only the publisher's ids,
 * which carry a random nonce, are checked.
 */
export class WellBehaved {
  readonly #nonce = randomUUID().slice(0, 8);
  readonly #report: WellBehavedReport = {
    published: 0,
    acked: 0,
    refused: 0,
    received: 0,
    orderViolations: 0,
    missing: 0,
    dropped: 0,
    pings: 0,
    pingsUnanswered: 0,
    pingRttP99Ms: 0,
    pingRttMaxMs: 0,
    restrictedLeaks: 0,
    unexpectedCloses: 0,
  };
  readonly #rtts: number[] = [];
  readonly #pings = new Map<string, number>();
  #expected = 1;
  #stopping = false;
  #timers: ReturnType<typeof setInterval>[] = [];
  #inFlight = 0;
  #allReceived: (() => void) | undefined;

  private constructor(
    readonly publisher: Peer,
    readonly subscriber: Peer,
    readonly restricted: Peer,
  ) {}

  static async start(url: string): Promise<WellBehaved> {
    const [publisher, subscriber, restricted] = await Promise.all([
      Peer.open(url, 'watcher'),
      Peer.open(url, 'watcher'),
      Peer.open(url, 'agent7'),
    ]);
    const watch = new WellBehaved(publisher, subscriber, restricted);
    await watch.#begin();
    return watch;
  }

  async #begin(): Promise<void> {
    const report = this.#report;
    for (const peer of [this.publisher, this.subscriber, this.restricted]) {
      peer.closed.then(() => {
        if (!this.#stopping) report.unexpectedCloses += 1;
      });
    }
    this.subscriber.on((frame) => this.#onSubscriberFrame(frame));
    const allowed = compilePattern(RESTRICTED_PATTERN);
    this.restricted.on((frame) => {
      if (frame.type === 'event' && !allowed(String(frame.topic))) report.restrictedLeaks += 1;
    });
    await this.subscriber.ask({ type: 'subscribe', id: 'watch', topics: ['watch.#'] });
    await this.restricted.ask({
      type: 'subscribe',
      id: 'r',
      topics: [RESTRICTED_PATTERN],
      since: 0,
    });
    this.#timers.push(setInterval(() => this.#ping(), 50));
    this.#timers.push(setInterval(() => this.#publish(), 10));
  }

  #publish(): void {
    const report = this.#report;
    while (!this.#stopping && this.#inFlight < 4) {
      const n = ++report.published;
      this.#inFlight += 1;
      this.publisher
        .ask({ type: 'publish', id: `wb-${this.#nonce}-${n}`, topic: TOPIC, data: { n } })
        .then(
          (answer) => {
            if (answer.type === 'ack') report.acked += 1;
            else report.refused += 1;
          },
          () => {},
        )
        .finally(() => {
          this.#inFlight -= 1;
        });
    }
  }

  #ping(): void {
    const id = `wp-${++this.#report.pings}`;
    this.#pings.set(id, performance.now());
    this.subscriber.send({ type: 'ping', id });
  }

  #onSubscriberFrame(frame: Incoming): void {
    const report = this.#report;
    if (frame.type === 'pong' && typeof frame.id === 'string') {
      const sent = this.#pings.get(frame.id);
      if (sent === undefined) return;
      this.#pings.delete(frame.id);
      this.#rtts.push(performance.now() - sent);
    } else if (frame.type === 'dropped') {
      report.dropped += 1;
    } else if (frame.type === 'event' && String(frame.id).startsWith(`wb-${this.#nonce}-`)) {
      const n = (frame.data as { n: number }).n;
      if (n !== this.#expected) report.orderViolations += 1;
      this.#expected = n + 1;
      report.received += 1;
      if (report.received >= report.acked) this.#allReceived?.();
    }
  }

  /** Stops publishing, waits (up to `drainMs`) for the last events and pongs, and reports. */
  async stop(drainMs: number): Promise<WellBehavedReport> {
    this.#stopping = true;
    for (const timer of this.#timers) clearInterval(timer);
    const report = this.#report;
    const deadline = Date.now() + drainMs;
    while (this.#inFlight > 0 && Date.now() < deadline) await tick(10);
    if (report.received < report.acked) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.#allReceived = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    while (this.#pings.size > 0 && Date.now() < deadline) await tick(10);
    report.missing = Math.max(0, report.acked - report.received);
    report.pingsUnanswered = this.#pings.size;
    const sorted = [...this.#rtts].sort((a, b) => a - b);
    report.pingRttP99Ms = round(
      sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
    );
    report.pingRttMaxMs = round(sorted.at(-1) ?? 0);
    await Promise.all([this.publisher.close(), this.subscriber.close(), this.restricted.close()]);
    return { ...report };
  }
}

function tick(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
