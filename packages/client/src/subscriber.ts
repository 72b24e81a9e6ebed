import {
  assertPattern,
  ErrorCode,
  MAX_TOPICS_PER_FRAME,
  type StreamPosition,
  type SubscribeFrame,
  type SubscriptionOutcome,
  SwitchboardError,
  type UnsubscribeFrame,
} from '@switchboard/protocol/wire';
import { type Dispatcher, notConnected } from './dispatcher.ts';
import type { ReplyFrame } from './pending.ts';
import { type Since, SubscriptionRegistry } from './subscriptions.ts';

/** What the subscriber needs from the client that owns it. */
export interface SubscriberHost {
  state(): 'online' | 'offline' | 'closed';
  nextId(): string;
  messageTimeoutMs(): number;
  /** Errors nobody awaits, emitted as the client's `error` event. */
  report(error: SwitchboardError): void;
  /** The hub acked a subscribe with these outcomes, starting at `start` (its log head). */
  outcomes(
    outcomes: SubscriptionOutcome[],
    resubscribe: boolean,
    start: StreamPosition | undefined,
  ): void;
}

/** Turns subscribe and unsubscribe calls into frames, and restores them after reconnects. */
export class Subscriber {
  readonly #registry = new SubscriptionRegistry();

  readonly #dispatcher: Dispatcher;
  readonly #host: SubscriberHost;

  constructor(dispatcher: Dispatcher, host: SubscriberHost) {
    this.#dispatcher = dispatcher;
    this.#host = host;
  }

  patterns(): Set<string> {
    return this.#registry.patterns();
  }

  subscribe(topics: string | string[], since: Since | undefined): Promise<SubscriptionOutcome[]> {
    const patterns = toPatterns(topics);
    if (since !== undefined && since !== 'last' && !(Number.isInteger(since) && since >= 0)) {
      throw new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        'Option "since" must be an offset >= 0 or "last"',
      );
    }
    if (patterns.length === 0) return Promise.resolve([]);
    const state = this.#host.state();
    if (state === 'closed') throw notConnected();
    // Offline, the wish is enough: the resubscribe on the next welcome carries it.
    const outcomes = this.#registry.add(patterns, since);
    if (state === 'online') {
      for (const topics of chunks(patterns)) {
        const frame: SubscribeFrame & { id: string } = {
          type: 'subscribe',
          id: this.#host.nextId(),
          topics,
        };
        if (since !== undefined) frame.since = since;
        this.#send(frame, false);
      }
    }
    return outcomes;
  }

  async unsubscribe(topics: string | string[]): Promise<void> {
    const patterns = toPatterns(topics);
    if (patterns.length === 0) return;
    this.forget(patterns);
    if (this.#host.state() !== 'online') return;
    await Promise.all(
      chunks(patterns).map((topics) => {
        const frame: UnsubscribeFrame & { id: string } = {
          type: 'unsubscribe',
          id: this.#host.nextId(),
          topics,
        };
        // The resubscribe after a reconnect leaves these patterns out.
        return this.#dispatcher.withdraw(frame, this.#host.messageTimeoutMs());
      }),
    );
  }

  /** On every welcome, before anything else is sent. */
  resubscribe(position: StreamPosition | undefined): void {
    const nextId = () => this.#host.nextId();
    for (const frame of this.#registry.resubscribeFrames(position, nextId)) {
      this.#send(frame as SubscribeFrame & { id: string }, true);
    }
  }

  /** A raw subscribe frame was acked: restore its patterns after reconnects too. */
  adopt(frame: SubscribeFrame, reply: ReplyFrame): void {
    const outcomes = reply.type === 'ack' ? reply.subscriptions : undefined;
    this.#registry.confirm(frame.topics, outcomes, true);
  }

  /** Unsubscribe bookkeeping. Offline, no frame in flight can answer calls waiting on them. */
  forget(patterns: readonly string[]): void {
    const offline =
      this.#host.state() === 'online'
        ? undefined
        : new SwitchboardError(
            ErrorCode.NOT_CONNECTED,
            'Unsubscribed before the hub confirmed the subscription',
          );
    this.#registry.remove(patterns, offline);
  }

  /** The hub ended these subscriptions (`unsubscribed`): never resubscribe them. */
  ended(patterns: readonly string[], error: SwitchboardError): void {
    this.#registry.remove(patterns, error);
  }

  /** The socket dropped and the client will reconnect. */
  dropped(error: SwitchboardError): void {
    this.#registry.rejectOrphans(error);
  }

  rejectAll(error: SwitchboardError): void {
    this.#registry.rejectAll(error);
  }

  #send(frame: SubscribeFrame & { id: string }, resubscribe: boolean): void {
    const patterns = frame.topics;
    this.#dispatcher.write({
      frame,
      reply: {
        frame,
        timeoutMs: this.#host.messageTimeoutMs(),
        resolve: (ack) => {
          const outcomes = ack.type === 'ack' ? ack.subscriptions : undefined;
          this.#registry.confirm(patterns, outcomes);
          const start =
            ack.type === 'ack' && ack.epoch !== undefined && ack.offset !== undefined
              ? { epoch: ack.epoch, offset: ack.offset }
              : undefined;
          if (outcomes) this.#host.outcomes(outcomes, resubscribe, start);
        },
        reject: (error) => {
          if (error.code === ErrorCode.CONNECTION_CLOSED) {
            this.#registry.fail(patterns, error);
            return;
          }
          if (error.code === ErrorCode.TIMEOUT) this.#registry.fail(patterns, error);
          else this.#registry.refuse(patterns, error);
          // Nobody awaits a resubscribe.
          if (resubscribe) this.#host.report(error);
        },
        // Covered by the resubscribe after the reconnect.
        onDrop: () => false,
      },
    });
  }
}

function toPatterns(topics: string | string[]): string[] {
  const list = typeof topics === 'string' ? [topics] : topics;
  if (!Array.isArray(list)) {
    throw new SwitchboardError(
      ErrorCode.INVALID_PATTERN,
      'Topics must be a pattern or an array of patterns',
    );
  }
  for (const pattern of list) assertPattern(pattern);
  return [...new Set(list)];
}

function chunks(patterns: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < patterns.length; i += MAX_TOPICS_PER_FRAME) {
    out.push(patterns.slice(i, i + MAX_TOPICS_PER_FRAME));
  }
  return out;
}
