import {
  ErrorCode,
  type HandleFrame,
  type ServerFrame,
  SwitchboardError,
  servedMethodProblem,
  type UnhandleFrame,
} from '@switchboard/protocol/wire';
import type { HandleOptions, Handler, HandlerRegistration } from './api.ts';
import { type Deferred, deferred } from './async.ts';
import { type Dispatcher, notConnected } from './dispatcher.ts';
import type { SessionPart } from './session-part.ts';

/** What the registrations need from the client that owns them. */
export interface HandlersHost {
  state(): 'online' | 'offline' | 'closed';
  nextId(): string;
  messageTimeoutMs(): number;
  /** Errors nobody awaits (a refused re-registration), emitted as the client's `error`. */
  report(error: SwitchboardError): void;
}

class Registration implements HandlerRegistration {
  #ready: Deferred<void> | undefined = deferred<void>();
  readonly ready: Promise<void>;

  readonly #owner: Handlers;

  constructor(
    readonly method: string,
    readonly group: string | undefined,
    readonly handler: Handler,
    owner: Handlers,
  ) {
    this.#owner = owner;
    this.ready = this.#ready!.promise;
    // `ready` is the caller's to await; unawaited, a refusal still reaches `error` events.
    this.ready.catch(() => {});
  }

  close(): Promise<void> {
    return this.#owner.close(this);
  }

  /** The hub registered it (first time, or again after a reconnect). */
  confirmed(): void {
    this.#ready?.resolve();
    this.#ready = undefined;
  }

  /** Settles `ready` with this error; false when it was settled already (nobody awaits it). */
  failed(error: SwitchboardError): boolean {
    const ready = this.#ready;
    this.#ready = undefined;
    ready?.reject(error);
    return ready !== undefined;
  }
}

/** Refusals after which a registration is forgotten: the same `handle` would fail again. */
const REFUSALS: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.FORBIDDEN,
  ErrorCode.HANDLER_CONFLICT,
  ErrorCode.TOO_MANY_HANDLERS,
  ErrorCode.INVALID_MESSAGE,
  ErrorCode.PAYLOAD_TOO_LARGE,
]);

/**
 * The methods this client serves. They are part of the session, like subscriptions: a
 * registration made offline is sent on the next welcome, and every registration is sent
 * again after each reconnect. A refused one is forgotten.
 */
export class Handlers implements SessionPart {
  readonly #registrations = new Map<string, Registration>();

  readonly #dispatcher: Dispatcher;
  readonly #host: HandlersHost;

  constructor(dispatcher: Dispatcher, host: HandlersHost) {
    this.#dispatcher = dispatcher;
    this.#host = host;
  }

  handle(method: string, handler: Handler, options: HandleOptions = {}): HandlerRegistration {
    const reason = servedMethodProblem(method);
    if (reason !== undefined) {
      throw new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        `Cannot handle "${String(method)}": ${reason}`,
      );
    }
    if (typeof handler !== 'function')
      throw new TypeError('handle: the handler must be a function');
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('handle: options must be an object');
    }
    const { group } = options;
    if (
      group !== undefined &&
      !(typeof group === 'string' && group.length > 0 && group.length <= 128)
    ) {
      throw new TypeError('handle: option "group" must be a string of 1 to 128 characters');
    }
    if (this.#registrations.has(method)) {
      throw new SwitchboardError(
        ErrorCode.HANDLER_CONFLICT,
        `This client already handles "${method}"; close that registration first`,
        { details: { method } },
      );
    }
    const state = this.#host.state();
    if (state === 'closed') throw notConnected();
    const registration = new Registration(method, group, handler, this);
    this.#registrations.set(method, registration);
    if (state === 'online') this.#register(registration);
    return registration;
  }

  /** The handler serving `method` now. */
  handlerOf(method: string): Handler | undefined {
    return this.#registrations.get(method)?.handler;
  }

  async close(registration: Registration): Promise<void> {
    if (this.#registrations.get(registration.method) !== registration) return;
    this.#registrations.delete(registration.method);
    registration.failed(new SwitchboardError(ErrorCode.CANCELLED, 'The registration was closed'));
    if (this.#host.state() !== 'online') return;
    const frame: UnhandleFrame = {
      type: 'unhandle',
      id: this.#host.nextId(),
      method: registration.method,
    };
    // A new connection does not get the registration back.
    return this.#dispatcher.withdraw(frame, this.#host.messageTimeoutMs());
  }

  restore(): void {
    for (const registration of this.#registrations.values()) this.#register(registration);
  }

  ended(error: SwitchboardError, closing: boolean): void {
    // Kept for a later connect(), as subscriptions are; whoever awaits `ready` hears now.
    if (closing)
      for (const registration of this.#registrations.values()) registration.failed(error);
  }

  frame(_frame: ServerFrame): boolean {
    return false;
  }

  #register(registration: Registration): void {
    const { method, group } = registration;
    const frame: HandleFrame = {
      type: 'handle',
      id: this.#host.nextId(),
      method,
      ...(group === undefined ? {} : { group }),
    };
    this.#dispatcher.write({
      frame,
      reply: {
        frame,
        timeoutMs: this.#host.messageTimeoutMs(),
        resolve: () => registration.confirmed(),
        reject: (error) => {
          // Dropped or closed: sent again on the next welcome, if there is one.
          if (error.code === ErrorCode.CONNECTION_CLOSED) {
            registration.failed(error);
            return;
          }
          if (REFUSALS.has(error.code) && this.#registrations.get(method) === registration) {
            this.#registrations.delete(method);
          }
          // A timeout keeps it: the hub may have registered it, and the next welcome resends it.
          if (!registration.failed(error)) this.#host.report(error);
        },
        // Sent again on the next welcome.
        onDrop: () => false,
      },
    });
  }
}
