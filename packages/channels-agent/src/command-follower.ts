import {
  ChannelSubscriptions,
  type EventMeta,
  type HubClient,
  type HubEvent,
  metaOf,
} from '@switchboard/channels-core';
import { ErrorCode, SwitchboardError, TypedEmitter } from '@switchboard/protocol';
import { AGENT_TERMINAL_CHANNEL, terminalTopic } from './terminal-channel.ts';
import type { CommandExitEvent, TerminalEvent } from './terminal-schemas.ts';

export interface FollowCommandOptions {
  /**
   * `0` (the default) replays the command from its start, as far as the hub's history still
   * holds it; `'last'` starts from its newest event (e.g. only to learn its exit).
   */
  since?: 0 | 'last';
}

export type CommandFollowerEvents = {
  /** Every event of the command once, in `seq` order: start, output batches, exit. */
  terminal: (event: TerminalEvent, meta: EventMeta) => void;
  exit: (event: CommandExitEvent, meta: EventMeta) => void;
  /** Events `from`..`to` (seq) never arrived: the hub's history no longer had them. */
  gap: (gap: { from: number; to: number }) => void;
  error: (error: SwitchboardError) => void;
};

/**
 * Follows one command's output through the hub's log (`agent.<agentId>.term.<commandId>`)
 * from its start, however late it joins: the subscribe replays the history, the hub client
 * resumes after a reconnect with no gap, and each event is passed on once (by `seq`). It
 * unsubscribes after the exit, or on `close()`.
 */
export class CommandFollower extends TypedEmitter<CommandFollowerEvents> {
  readonly agentId: string;
  readonly commandId: string;
  readonly topic: string;
  /** Resolves once subscribed (the replayed history has been passed on by then). */
  readonly ready: Promise<void>;
  /** Resolves with the exit event; rejects only when the subscribe is refused. */
  readonly exited: Promise<CommandExitEvent>;
  readonly #subscriptions: ChannelSubscriptions;
  #lastSeq = 0;
  #fromStart: boolean;
  #exit: CommandExitEvent | undefined;
  #settle!: { resolve: (exit: CommandExitEvent) => void; reject: (error: unknown) => void };
  #closed = false;

  constructor(
    hub: HubClient,
    agentId: string,
    commandId: string,
    options: FollowCommandOptions = {},
  ) {
    super();
    const since = options.since ?? 0;
    if (since !== 0 && since !== 'last') {
      throw new TypeError('followCommand option "since" must be 0 or "last"');
    }
    this.agentId = agentId;
    this.commandId = commandId;
    this.topic = terminalTopic(agentId, commandId);
    this.#fromStart = since === 0;
    this.exited = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.exited.catch(() => undefined);
    this.#subscriptions = new ChannelSubscriptions(hub, (event) => this.#onEvent(event), 1);
    this.ready = this.#subscriptions.add([this.topic], since).catch((error: unknown) => {
      this.#settle.reject(error);
      throw error;
    });
    this.ready.catch(() => undefined);
  }

  /** The highest `seq` passed on so far (0 before the first event). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  get exit(): CommandExitEvent | undefined {
    return this.#exit;
  }

  /** Stops following; `exited` stays pending if the exit was not seen. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.ready.catch(() => undefined);
    await this.#subscriptions.removeAll();
  }

  #onEvent(hubEvent: HubEvent): void {
    if (this.#closed || hubEvent.topic !== this.topic) return;
    let event: TerminalEvent;
    try {
      event = AGENT_TERMINAL_CHANNEL.parseEvent(hubEvent)!.payload as TerminalEvent;
    } catch (error) {
      this.emit('error', SwitchboardError.from(error, ErrorCode.INVALID_MESSAGE));
      return;
    }
    if (event.seq <= this.#lastSeq) return;
    const expected = this.#lastSeq + 1;
    if (event.seq > expected && (this.#fromStart || this.#lastSeq > 0)) {
      this.emit('gap', { from: expected, to: event.seq - 1 });
    }
    this.#lastSeq = event.seq;
    const meta = metaOf(hubEvent);
    this.emit('terminal', event, meta);
    if (event.type === 'exit') {
      this.#exit = event;
      this.emit('exit', event, meta);
      this.#settle.resolve(event);
      this.close().catch((error: unknown) => this.emit('error', SwitchboardError.from(error)));
    }
  }
}
