import { compilePattern, subprotocolFor } from '@switchboard/protocol';
import WebSocket from 'ws';
import { expectationOf, Outstanding } from './expectations.ts';
import { mutate, type Payload } from './mutate.ts';
import { FUZZ_TOKENS, RESTRICTED_PATTERN } from './principals.ts';
import type { Rng } from './rng.ts';
import { DOCUMENTED_CLOSE_CODES, type Tally } from './tally.ts';
import { type FrameContext, VALID_FRAMES, validFrame } from './valid-frames.ts';

export interface FuzzConnectionOptions {
  url: string;
  /** Names this connection's ids and examples. */
  name: string;
  rng: Rng;
  /** Frames to send over the connection's lifetimes (it reconnects after each close). */
  frames: number;
  /** The token of its `hello`; `agent7` makes it a restricted principal. */
  token: string;
  /** Frames between two fence pings (the flow control: a batch, then wait for the pong). */
  batch: number;
  /** Share of frames sent valid, unmutated. */
  validShare: number;
  /** How long to wait for the answers still owed once everything is sent. */
  drainMs: number;
  /** How long a fence ping may go unanswered before the connection counts as stalled. */
  fenceTimeoutMs: number;
  /** Aborted when the hub is gone: stop reconnecting. */
  signal: AbortSignal;
}

const matchesRestricted = compilePattern(RESTRICTED_PATTERN);
const KEEP = 32;

type Incoming = Record<string, unknown> & { type: string };

/**
 * One hostile connection: says hello (now and then a broken one, or pipelines frames behind
 * it), sends batches of random and mutated frames, and after each batch a fence ping whose pong
 * says the hub read the batch. It records every id the hub owes an answer, reconnects after
 * every close, and checks that a restricted principal receives nothing outside its pattern.
 */
export class FuzzConnection {
  readonly #options: FuzzConnectionOptions;
  readonly #tally: Tally;
  readonly #outstanding = new Outstanding();
  readonly #recentRequests: string[] = [];
  readonly #recentCalls: string[] = [];
  #sent = 0;
  #failedOpens = 0;
  #ids = 0;
  #epoch = 'e';
  #principal: string | undefined;
  #socket: WebSocket | undefined;
  #fence: { id: string; resolve: () => void } | undefined;
  #closed: Promise<number> | undefined;
  #onSettled: (() => void) | undefined;

  constructor(options: FuzzConnectionOptions, tally: Tally) {
    this.#options = options;
    this.#tally = tally;
  }

  async run(): Promise<void> {
    while (this.#sent < this.#options.frames && !this.#options.signal.aborted) {
      const socket = await this.#open();
      if (socket) {
        this.#failedOpens = 0;
        await this.#session(socket);
      } else if (++this.#failedOpens >= 100) {
        // A hub that refuses every upgrade, alive, is stalled for this client.
        this.#tally.stalls += 1;
        this.#tally.missed(0, `${this.#options.name}: 100 upgrades in a row failed`);
        return;
      }
    }
  }

  #context(): FrameContext {
    return {
      rng: this.#options.rng,
      nextId: () => `${this.#options.name}-${++this.#ids}`,
      tokens: FUZZ_TOKENS,
      recentRequests: this.#recentRequests,
      recentCalls: this.#recentCalls,
      epoch: this.#epoch,
    };
  }

  async #open(): Promise<WebSocket | undefined> {
    const { rng } = this.#options;
    const protocols = rng.chance(0.95)
      ? [subprotocolFor(1)]
      : rng.pick([[], ['switchboard.v9.json'], ['chat']]);
    const socket = new WebSocket(this.#options.url, protocols);
    socket.binaryType = 'nodebuffer';
    const opened = await new Promise<boolean>((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('unexpected-response', () => resolve(false));
      socket.once('error', () => resolve(false));
    });
    if (!opened) {
      this.#tally.upgradesFailed += 1;
      socket.terminate();
      return undefined;
    }
    this.#tally.connectionsOpened += 1;
    this.#principal = undefined;
    this.#socket = socket;
    this.#closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('message', (data: Buffer) => this.#onMessage(data));
    socket.on('error', () => {});
    this.#closed.then((code) => this.#onClose(code));
    return socket;
  }

  async #session(socket: WebSocket): Promise<void> {
    const { rng, batch } = this.#options;
    const context = this.#context();
    const hello = VALID_FRAMES.hello(context);
    const token = rng.chance(0.9) ? this.#options.token : rng.pick(FUZZ_TOKENS);
    this.#send(mutate({ ...hello, token }, rng, context.nextId(), 0.9), context.nextId());
    while (socket.readyState === WebSocket.OPEN && this.#sent < this.#options.frames) {
      const count = Math.min(batch, this.#options.frames - this.#sent);
      for (let i = 0; i < count && socket.readyState === WebSocket.OPEN; i++) {
        const unique = context.nextId();
        this.#send(
          mutate(validFrame(this.#context()), rng, unique, this.#options.validShare),
          unique,
        );
      }
      if (!(await this.#fenceAnswered(socket))) return;
    }
    if (socket.readyState === WebSocket.OPEN) {
      await this.#drain();
      socket.close(1000);
    }
    await this.#closed;
  }

  #send(payload: Payload, unique: string): void {
    const socket = this.#socket!;
    const binary = 'bytes' in payload;
    const bytes = binary ? payload.bytes : Buffer.from(payload.text);
    const expectation = expectationOf(bytes);
    this.#sent += 1;
    this.#tally.framesSent += 1;
    this.#tally.bytesSent += bytes.length;
    if (expectation.id !== undefined) {
      this.#tally.expected += 1;
      this.#outstanding.add(expectation.id, Date.now());
    }
    const frame = expectation.frame;
    if (frame?.type === 'request') remember(this.#recentRequests, frame.id);
    // A cancelled request is owed nothing more (protocol.md, "cancel").
    if (frame?.type === 'cancel') this.#outstanding.settle(frame.id);
    void unique;
    socket.send(bytes, { binary });
  }

  /** Sends a fence ping and waits for its pong; false when the connection closed or stalled. */
  async #fenceAnswered(socket: WebSocket): Promise<boolean> {
    const id = `${this.#options.name}-fence-${++this.#ids}`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = new Promise<'pong'>((resolve) => {
      this.#fence = { id, resolve: () => resolve('pong') };
    });
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#options.fenceTimeoutMs);
    });
    socket.send(JSON.stringify({ type: 'ping', id }));
    const outcome = await Promise.race([
      answered,
      timeout,
      this.#closed!.then(() => 'closed' as const),
    ]);
    clearTimeout(timer);
    this.#fence = undefined;
    if (outcome === 'timeout') {
      this.#tally.stalls += 1;
      this.#tally.missed(this.#outstanding.size, `${this.#options.name}: fence ${id} unanswered`);
      this.#outstanding.takeAll();
      socket.terminate();
      await this.#closed;
      return false;
    }
    return outcome === 'pong';
  }

  /** Waits until every owed answer came, or `drainMs` passed. */
  async #drain(): Promise<void> {
    if (this.#outstanding.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#options.drainMs);
      this.#onSettled = () => {
        if (this.#outstanding.size > 0) return;
        clearTimeout(timer);
        resolve();
      };
    });
    this.#onSettled = undefined;
    const left = this.#outstanding.takeAll();
    this.#tally.missed(
      left.length,
      `${this.#options.name}: no answer to ${left.slice(0, 3).join(', ')}`,
    );
  }

  #onClose(code: number): void {
    this.#tally.close(code);
    const left = this.#outstanding.takeAll();
    if (DOCUMENTED_CLOSE_CODES.has(code)) this.#tally.answeredByClose += left.length;
    else
      this.#tally.missed(
        left.length,
        `${this.#options.name}: close ${code} left ${left.slice(0, 3).join(', ')}`,
      );
  }

  #onMessage(data: Buffer): void {
    const frame = JSON.parse(data.toString()) as Incoming;
    const id = typeof frame.id === 'string' ? frame.id : undefined;
    if (frame.type === 'pong' && id !== undefined && id === this.#fence?.id) {
      this.#fence.resolve();
      return;
    }
    if (frame.type === 'error') this.#tally.error(String(frame.code));
    if (id !== undefined && frame.type !== 'event' && this.#outstanding.settle(id)) {
      this.#tally.answered += 1;
      this.#onSettled?.();
    }
    switch (frame.type) {
      case 'welcome':
        this.#epoch = String(frame.epoch);
        this.#principal = (frame.principal as { id?: string } | null)?.id;
        break;
      case 'event':
        this.#checkTopic(String(frame.topic), 'event');
        break;
      case 'response':
        for (const event of historyEvents(frame.data)) this.#checkTopic(event, '$history event');
        break;
      case 'invoke':
        this.#checkTopic(String(frame.method), 'invoke');
        remember(this.#recentCalls, String(frame.call));
        break;
    }
  }

  #checkTopic(topic: string, what: string): void {
    if (this.#principal === 'agent7' && !matchesRestricted(topic)) {
      this.#tally.leak(`${this.#options.name} (agent7) got ${what} on "${topic}"`);
    }
  }
}

function remember(list: string[], value: string): void {
  list.push(value);
  if (list.length > KEEP) list.shift();
}

function historyEvents(data: unknown): string[] {
  const events = (data as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return [];
  return events.map((event) => String((event as { topic?: unknown }).topic));
}
