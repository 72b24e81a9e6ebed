import {
  ErrorCode,
  type HandleFrame,
  type RequestFrame,
  SwitchboardError,
  type UnhandleFrame,
} from '@switchboard/protocol';
import { mayServe } from './authorization-stage.ts';
import type { CallTrafficFrame } from './frame-stage.ts';
import type { Candidates, HandlerDirectory } from './handler-registry.ts';
import { LiveCall } from './live-call.ts';
import { ack, fail } from './router-core.ts';
import type { RouterConnection } from './router-link.ts';
import type { ResolvedRouterOptions } from './router-options.ts';

/** The counters of client-hosted handlers and their calls (`router.callStats()`). */
export interface CallStats {
  /** Registrations: one per connection and method it serves. */
  handlers: number;
  /** Methods with at least one handler. */
  methods: number;
  /** Calls in flight. */
  calls: number;
  /** Chunks of streamed answers between handlers and callers' applications now. */
  outstandingChunks: number;
  /** The most chunks one call ever had outstanding; never above `maxStreamCredit`. */
  peakOutstandingChunks: number;
}

export type CallLimits = Pick<
  ResolvedRouterOptions,
  | 'maxHandlersPerClient'
  | 'maxCallsPerClient'
  | 'maxCallsPerHandler'
  | 'maxCallTimeoutMs'
  | 'maxStreamCredit'
>;

/**
 * @internal
 * Calls to client-hosted handlers: `handle` and `unhandle` go to the directory; a request no
 * hub route takes goes to one handler of its method as `invoke`, under a call id of the hub's;
 * the handler's answer goes back to the caller under its request id. The hub cancels a call at
 * its handler when the caller cancels, leaves or runs out of time, and fails it for the caller
 * (HANDLER_GONE) when the handler leaves. Everything here is node-local.
 */
export class CallRouter {
  readonly #calls = new Map<string, LiveCall>();
  readonly #asCaller = new Map<RouterConnection, Map<string, LiveCall>>();
  readonly #asHandler = new Map<RouterConnection, Set<LiveCall>>();
  readonly #candidates: Candidates;
  #nextId = 0;
  #peakOutstanding = 0;

  constructor(
    private readonly directory: HandlerDirectory,
    private readonly limits: CallLimits,
  ) {
    this.#candidates = {
      load: (handler) => this.#asHandler.get(handler)?.size ?? 0,
      hasRoom: (handler) => (this.#asHandler.get(handler)?.size ?? 0) < limits.maxCallsPerHandler,
      mayServe: (handler, method) => mayServe(handler.principal, method),
    };
  }

  handle(connection: RouterConnection, frame: HandleFrame): void {
    const { method, group } = frame;
    const outcome = this.directory.register(
      connection,
      method,
      group,
      this.limits.maxHandlersPerClient,
    );
    if (outcome.ok) {
      ack(connection, frame.id, {});
      return;
    }
    if (outcome.reason === 'limit') {
      const limit = this.limits.maxHandlersPerClient;
      fail(
        connection,
        frame.id,
        new SwitchboardError(
          ErrorCode.TOO_MANY_HANDLERS,
          `A connection may serve at most ${limit} methods`,
          { details: { maxHandlersPerClient: limit } },
        ),
      );
      return;
    }
    const theirs = outcome.group === undefined ? 'the default group' : `group "${outcome.group}"`;
    fail(
      connection,
      frame.id,
      new SwitchboardError(
        ErrorCode.HANDLER_CONFLICT,
        `"${method}" is served by handlers of ${theirs}; handle it in the same group`,
        { details: { method, group: outcome.group ?? null } },
      ),
    );
  }

  unhandle(connection: RouterConnection, frame: UnhandleFrame): void {
    // Calls already invoked run to their end, as a NATS drain lets them.
    this.directory.unregister(connection, frame.method);
    ack(connection, frame.id, {});
  }

  /** A request no hub route takes: to a handler, or answered with why there is none. */
  request(caller: RouterConnection, frame: RequestFrame): void {
    const { id, method } = frame;
    const mine = this.#asCaller.get(caller);
    if (mine?.has(id)) {
      fail(
        caller,
        id,
        callError(ErrorCode.INVALID_MESSAGE, `Request "${id}" is already in flight`),
      );
      return;
    }
    const limit = this.limits.maxCallsPerClient;
    if ((mine?.size ?? 0) >= limit) {
      const message = `A connection may have at most ${limit} calls to client handlers in flight`;
      fail(caller, id, callError(ErrorCode.TOO_MANY_CALLS, message, { maxCallsPerClient: limit }));
      return;
    }
    const selection = this.directory.select(method, this.#candidates);
    if (selection.handler === undefined) {
      fail(caller, id, noHandler(method, selection.none, this.limits.maxCallsPerHandler));
      return;
    }
    const max = this.limits.maxCallTimeoutMs;
    const timeoutMs = Math.ceil(Math.min(frame.timeoutMs ?? max, max));
    const window =
      frame.credit === undefined ? 0 : Math.min(frame.credit, this.limits.maxStreamCredit);
    const call = new LiveCall(
      `c${(++this.#nextId).toString(36)}`,
      caller,
      id,
      selection.handler,
      method,
      window,
      timeoutMs,
    );
    this.#start(call);
    const callerId = caller.principal?.id;
    call.handler.send({
      type: 'invoke',
      call: call.id,
      method,
      data: frame.data === undefined ? null : frame.data,
      timeoutMs,
      ...(window > 0 ? { credit: window } : {}),
      ...(callerId === undefined ? {} : { caller: callerId }),
    });
  }

  /** A handler's answer or a caller's cancel or credit; frames of finished calls are dropped. */
  traffic(connection: RouterConnection, frame: CallTrafficFrame): void {
    if (frame.type === 'cancel' || frame.type === 'credit') {
      const call = this.#asCaller.get(connection)?.get(frame.id);
      if (call === undefined) return;
      if (frame.type === 'cancel') {
        this.#cancel(call, ErrorCode.CANCELLED, 'The caller cancelled the call');
      } else if (call.streaming) {
        const grant = call.credit(frame.credit);
        if (grant > 0) call.handler.send({ type: 'credit', call: call.id, credit: grant });
      }
      return;
    }
    const call = this.#calls.get(frame.call);
    // A late answer (the call was cancelled or timed out) or someone else's call.
    if (call === undefined || call.handler !== connection) return;
    const { caller, requestId: id } = call;
    switch (frame.type) {
      case 'reply':
        this.#finish(call);
        caller.send({ type: 'response', id, data: frame.data === undefined ? null : frame.data });
        return;
      case 'fail':
        this.#finish(call);
        caller.send({
          type: 'error',
          id,
          code: frame.code,
          message: frame.message,
          ...(frame.details === undefined ? {} : { details: frame.details }),
        });
        return;
      case 'chunk':
        if (!call.streaming) {
          this.#broken(call, 'a chunk for a call that takes one reply (send reply)');
        } else if (!call.takeChunk()) {
          this.#broken(call, 'a chunk beyond the credit the caller gave');
        } else {
          if (call.outstanding > this.#peakOutstanding) this.#peakOutstanding = call.outstanding;
          caller.send({ type: 'chunk', id, data: frame.data === undefined ? null : frame.data });
        }
        return;
      case 'end':
        if (!call.streaming) {
          this.#broken(call, 'an end for a call that takes one reply (send reply)');
          return;
        }
        this.#finish(call);
        caller.send({ type: 'end', id });
        return;
    }
  }

  /** The connection closed: its calls end on both sides, and it serves nothing any more. */
  closed(connection: RouterConnection): void {
    this.directory.unregisterAll(connection);
    for (const call of [...(this.#asCaller.get(connection)?.values() ?? [])]) {
      this.#cancel(call, ErrorCode.CANCELLED, 'The caller disconnected');
    }
    for (const call of [...(this.#asHandler.get(connection) ?? [])]) {
      this.#finish(call);
      const message = `The handler of "${call.method}" disconnected before it answered`;
      fail(
        call.caller,
        call.requestId,
        callError(ErrorCode.HANDLER_GONE, message, { method: call.method }),
      );
    }
  }

  stats(): CallStats {
    let outstanding = 0;
    for (const call of this.#calls.values()) outstanding += call.outstanding;
    return {
      ...this.directory.size,
      calls: this.#calls.size,
      outstandingChunks: outstanding,
      peakOutstandingChunks: this.#peakOutstanding,
    };
  }

  #start(call: LiveCall): void {
    this.#calls.set(call.id, call);
    let mine = this.#asCaller.get(call.caller);
    if (mine === undefined) {
      mine = new Map();
      this.#asCaller.set(call.caller, mine);
    }
    mine.set(call.requestId, call);
    let served = this.#asHandler.get(call.handler);
    if (served === undefined) {
      served = new Set();
      this.#asHandler.set(call.handler, served);
    }
    served.add(call);
    call.timer = setTimeout(() => this.#expire(call), call.timeoutMs);
    call.timer.unref?.();
  }

  #finish(call: LiveCall): void {
    if (this.#calls.get(call.id) !== call) return;
    this.#calls.delete(call.id);
    clearTimeout(call.timer);
    const mine = this.#asCaller.get(call.caller);
    mine?.delete(call.requestId);
    if (mine?.size === 0) this.#asCaller.delete(call.caller);
    const served = this.#asHandler.get(call.handler);
    served?.delete(call);
    if (served?.size === 0) this.#asHandler.delete(call.handler);
  }

  /** Nobody takes the call's answer any more: the handler hears why, and stops. */
  #cancel(call: LiveCall, code: ErrorCode, message: string): void {
    this.#finish(call);
    call.handler.send({ type: 'cancel', call: call.id, code, message });
  }

  #expire(call: LiveCall): void {
    const { method, timeoutMs } = call;
    this.#cancel(call, ErrorCode.TIMEOUT, `The call took longer than ${timeoutMs} ms`);
    const message = `No answer from the handler of "${method}" within ${timeoutMs} ms`;
    fail(call.caller, call.requestId, callError(ErrorCode.TIMEOUT, message, { method, timeoutMs }));
  }

  /** The handler answered against the protocol: the call fails on both sides, saying why. */
  #broken(call: LiveCall, what: string): void {
    this.#cancel(call, ErrorCode.INVALID_MESSAGE, `The hub refused ${what}`);
    const message = `The handler of "${call.method}" broke the call: it sent ${what}`;
    fail(
      call.caller,
      call.requestId,
      callError(ErrorCode.INTERNAL_ERROR, message, { method: call.method }),
    );
  }
}

function callError(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): SwitchboardError {
  return new SwitchboardError(code, message, details === undefined ? {} : { details });
}

function noHandler(
  method: string,
  why: 'unknown' | 'gone' | 'busy',
  maxCallsPerHandler: number,
): SwitchboardError {
  if (why === 'unknown') {
    // What a request for an unknown method always got: the route table's NOT_FOUND.
    return callError(ErrorCode.NOT_FOUND, `No handler for method "${method}"`, { method });
  }
  if (why === 'busy') {
    return callError(
      ErrorCode.TOO_MANY_CALLS,
      `Every handler of "${method}" has ${maxCallsPerHandler} calls in flight; retry later`,
      { method, maxCallsPerHandler },
    );
  }
  return callError(
    ErrorCode.NO_RESPONDERS,
    `No handler of "${method}" is connected; retry when one is`,
    { method },
  );
}
