import { CALL_TRAFFIC_TYPES, type ClientFrame, type SwitchboardError } from '@switchboard/protocol';
import type { Principal } from './principal.ts';

/** The frames an open connection sends to be routed: what a stage sees. */
export type RoutedFrame = Extract<
  ClientFrame,
  { type: 'subscribe' | 'unsubscribe' | 'publish' | 'request' | 'handle' | 'unhandle' }
>;

/**
 * The frames of calls already under way: a handler's answers (`reply`, `chunk`, `end`,
 * `fail`) and a caller's `cancel` and `credit`. They skip the stages: refusing one would lose
 * part of an answer nobody could ask for again, and what they cost is bounded by the calls in
 * flight and their credit, which the stages did admit.
 */
export type CallTrafficFrame = Extract<
  ClientFrame,
  { type: 'reply' | 'chunk' | 'end' | 'fail' | 'cancel' | 'credit' }
>;

/** @internal */
export function isCallTraffic(frame: ClientFrame): frame is CallTrafficFrame {
  return CALL_TRAFFIC_TYPES.has(frame.type);
}

/**
 * Who sent a frame: the same object for every frame of a connection, so a stage can keep
 * per-connection state in a WeakMap keyed by it.
 */
export interface FrameContext {
  readonly id: string;
  /** Set once the connection authenticated; stages only see authenticated connections. */
  readonly principal: Principal | null;
  readonly remoteAddress: string | undefined;
  readonly connectedAt: number;
  readonly protocolVersion: number | undefined;
}

/**
 * A step between validation and routing (rate limits, authorization, metrics): it sees every
 * subscribe, unsubscribe, publish, request, handle and unhandle frame of an authenticated
 * connection (not the frames of calls under way, see CallTrafficFrame), in the
 * order the connection sent them, and lets it through or refuses it. Register with
 * `server.use(stage)`; stages run in the order they were added, after the built-in rate-limit
 * and authorization stages.
 *
 * `check` is synchronous so that a frame costs no promise and frames of one connection keep
 * their order. It returns `undefined` to let the frame through, or the error to answer it
 * with: the client gets an `error` frame with that code and the frame's id, and the frame goes
 * no further (like the router's own refusals, not a `client-error` event). A stage that throws is a
 * bug: the client gets `INTERNAL_ERROR` and the server an `error` event.
 */
export interface FrameStage {
  /** Names the stage (errors, debugging). */
  readonly name: string;
  check(frame: RoutedFrame, context: FrameContext): SwitchboardError | undefined;
  /** The connection closed: drop what the stage kept for it. */
  closed?(context: FrameContext): void;
}

/**
 * @internal
 * A server's stages, in order. Adding or removing one replaces the array, so a check that is
 * running keeps the list it started with.
 */
export class FrameStages {
  #stages: readonly FrameStage[];

  constructor(initial: readonly FrameStage[] = []) {
    this.#stages = initial;
  }

  /** Appends a stage; returns a function that removes it. */
  add(stage: FrameStage): () => void {
    if (
      typeof stage !== 'object' ||
      stage === null ||
      typeof stage.check !== 'function' ||
      typeof stage.name !== 'string'
    ) {
      throw new TypeError('use() needs a stage: an object with a "name" and a "check" function');
    }
    this.#stages = [...this.#stages, stage];
    return () => {
      this.#stages = this.#stages.filter((candidate) => candidate !== stage);
    };
  }

  /** Tells every stage that a connection closed; a stage that throws is reported, not fatal. */
  closed(context: FrameContext, onError: (error: unknown) => void): void {
    for (const stage of this.#stages) {
      try {
        stage.closed?.(context);
      } catch (error) {
        onError(error);
      }
    }
  }

  /** The first refusal of any stage, or undefined when every stage lets the frame through. */
  check(frame: RoutedFrame, context: FrameContext): SwitchboardError | undefined {
    const stages = this.#stages;
    for (let i = 0; i < stages.length; i++) {
      const refusal = stages[i]!.check(frame, context);
      if (refusal !== undefined) return refusal;
    }
    return undefined;
  }
}
