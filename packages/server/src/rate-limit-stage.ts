import { CloseCode, ErrorCode, errorFrame, SwitchboardError } from '@switchboard/protocol';
import type { FrameContext, FrameStage, RoutedFrame } from './frame-stage.ts';
import type { Principal } from './principal.ts';
import {
  type CompiledLimits,
  compileLimits,
  type LimitSpec,
  type RateLimitedFrameType,
  type RateLimitOptions,
} from './rate-limit-options.ts';
import type { ServerConnection } from './server-connection.ts';
import { TokenBucket } from './token-bucket.ts';

/** @internal Closes a connection that the `disconnect` policy gave up on. */
export type RateLimitDisconnect = (
  context: FrameContext,
  refusal: SwitchboardError,
  frameId: string | undefined,
) => void;

type Buckets = Record<'messages' | RateLimitedFrameType, TokenBucket<LimitSpec> | undefined>;

/** The buckets of one principal (shared by its connections) or of one anonymous connection. */
class Allowance {
  connections = 0;
  readonly buckets = {} as Buckets;

  constructor(
    public limits: CompiledLimits,
    now: number,
    /** The principal id when the buckets are shared; undefined for one connection's own. */
    readonly principalId: string | undefined,
  ) {
    this.#fill(now);
  }

  /** Other limits for the same principal: buckets keep their tokens, up to the new capacity. */
  reconfigure(limits: CompiledLimits, now: number): void {
    this.limits = limits;
    this.#fill(now);
  }

  #fill(now: number): void {
    for (const name of Object.keys(this.limits.buckets) as (keyof Buckets)[]) {
      const spec = this.limits.buckets[name];
      const bucket = this.buckets[name];
      if (spec === undefined) this.buckets[name] = undefined;
      else if (bucket === undefined) this.buckets[name] = new TokenBucket(spec, now);
      else bucket.reconfigure(spec, now);
    }
  }
}

/** One connection's binding to its allowance, and its refusals for the `disconnect` policy. */
interface ConnectionLimits {
  principal: Principal | null;
  allowance: Allowance;
  strikes: number;
  strikesSince: number;
}

/**
 * @internal
 * Token buckets per principal (per connection for anonymous and `true` principals), per frame
 * type, plus one for every frame (`messages`); see `RateLimitOptions`. Nothing runs between
 * frames: each bucket refills lazily from the monotonic clock when a frame looks at it. A
 * connection's state goes with its close, a principal's with its last connection's.
 */
export class RateLimitStage implements FrameStage {
  readonly name = 'rate-limit';
  /** Monotonic milliseconds; tests replace it (`@switchboard/server/testing`). */
  clock: () => number = () => performance.now();
  readonly #server: RateLimitOptions | undefined;
  readonly #defaults: CompiledLimits;
  /** Compiled once per `rateLimits` object a principal carries. */
  readonly #compiled = new WeakMap<RateLimitOptions, CompiledLimits>();
  readonly #connections = new WeakMap<FrameContext, ConnectionLimits>();
  readonly #principals = new Map<string, Allowance>();

  constructor(
    options: RateLimitOptions | undefined,
    private readonly disconnect: RateLimitDisconnect,
  ) {
    this.#server = options;
    this.#defaults = compileLimits(options);
  }

  check(frame: RoutedFrame, context: FrameContext): SwitchboardError | undefined {
    // Without routed limits anywhere, a frame costs two property reads.
    if (!this.#defaults.routed && context.principal?.rateLimits === undefined) return undefined;
    // Registering a handler has no limit of its own: only `messages` counts it.
    const type = frame.type === 'handle' || frame.type === 'unhandle' ? undefined : frame.type;
    return this.admit(context, type, frame.id);
  }

  /**
   * Takes a token for a frame of `type` (routed frames come through `check`; the handshake calls
   * this for `auth` refresh frames). Returns the refusal to answer with, after closing the
   * connection when the `disconnect` policy says so.
   */
  admit(
    context: FrameContext,
    type: RateLimitedFrameType | undefined,
    frameId: string | undefined,
  ): SwitchboardError | undefined {
    let entry = this.#connections.get(context);
    if (entry === undefined || entry.principal !== context.principal) entry = this.#bind(context);
    const { buckets, limits } = entry.allowance;
    const own = type === undefined ? undefined : buckets[type];
    const messages = buckets.messages;
    if (own === undefined && messages === undefined) return undefined;
    const now = this.clock();
    const ownWait = own === undefined ? 0 : own.wait(now);
    const messagesWait = messages === undefined ? 0 : messages.wait(now);
    if (ownWait === 0 && messagesWait === 0) {
      own?.take();
      messages?.take();
      return undefined;
    }
    const binding = ownWait >= messagesWait ? own!.spec : messages!.spec;
    const refusal = exceeded(type, binding, Math.max(ownWait, messagesWait));
    if (limits.disconnectAfter !== Number.POSITIVE_INFINITY) {
      if (entry.strikes === 0 || now - entry.strikesSince >= limits.disconnectWindowMs) {
        entry.strikes = 0;
        entry.strikesSince = now;
      }
      entry.strikes += 1;
      if (entry.strikes >= limits.disconnectAfter) this.disconnect(context, refusal, frameId);
    }
    return refusal;
  }

  /** The connection closed: its buckets go, and its principal's with its last connection. */
  closed(context: FrameContext): void {
    const entry = this.#connections.get(context);
    if (entry === undefined) return;
    this.#connections.delete(context);
    this.#release(entry.allowance);
  }

  /** Principals holding shared buckets now (tests: nothing outlives its connections). */
  get principals(): number {
    return this.#principals.size;
  }

  /** Ties a connection to its allowance: on its first frame, and after its principal changed. */
  #bind(context: FrameContext): ConnectionLimits {
    const previous = this.#connections.get(context);
    const principal = context.principal;
    const limits = this.#limitsOf(principal);
    const now = this.clock();
    // `true` and anonymous principals are named after the connection: nothing to share.
    const shared = principal !== null && principal.id !== context.id ? principal.id : undefined;
    let allowance = shared === undefined ? undefined : this.#principals.get(shared);
    if (allowance === undefined) {
      allowance = new Allowance(limits, now, shared);
      if (shared !== undefined) this.#principals.set(shared, allowance);
    } else if (allowance.limits.key !== limits.key) {
      // The principal's latest connection (or refresh) brought other limits: they apply.
      allowance.reconfigure(limits, now);
    }
    allowance.connections += 1;
    // Released only now: a refreshed principal of the same id keeps its buckets' tokens.
    if (previous !== undefined) this.#release(previous.allowance);
    const entry: ConnectionLimits = previous ?? {
      principal,
      allowance,
      strikes: 0,
      strikesSince: 0,
    };
    entry.principal = principal;
    entry.allowance = allowance;
    this.#connections.set(context, entry);
    return entry;
  }

  #release(allowance: Allowance): void {
    allowance.connections -= 1;
    const id = allowance.principalId;
    if (allowance.connections === 0 && id !== undefined && this.#principals.get(id) === allowance) {
      this.#principals.delete(id);
    }
  }

  #limitsOf(principal: Principal | null): CompiledLimits {
    const override = principal?.rateLimits;
    if (override === undefined) return this.#defaults;
    let limits = this.#compiled.get(override);
    if (limits === undefined) {
      limits = compileLimits(this.#server, override);
      this.#compiled.set(override, limits);
    }
    return limits;
  }
}

/**
 * @internal
 * The `disconnect` policy's end: the refusal, a `disconnect` frame saying why (reconnecting
 * later is fine: the buckets will have refilled), then close 4029 after queued frames.
 */
export function disconnectRateLimited(
  connection: ServerConnection | undefined,
  refusal: SwitchboardError,
  frameId: string | undefined,
): void {
  if (connection === undefined || connection.state !== 'open') return;
  const reason = 'Rate limit exceeded too often';
  connection.send(errorFrame(refusal, frameId));
  connection.send({ type: 'disconnect', code: CloseCode.RATE_LIMITED, reason, reconnect: true });
  connection.close(CloseCode.RATE_LIMITED, reason);
}

function exceeded(type: RateLimitedFrameType | undefined, spec: LimitSpec, retryAfterMs: number) {
  const what = spec.name === 'messages' ? 'messages' : `${type} frames`;
  return new SwitchboardError(
    ErrorCode.RATE_LIMIT_EXCEEDED,
    `Rate limit exceeded: at most ${spec.maxMessages} ${what} per ${spec.windowMs} ms; retry in ${retryAfterMs} ms`,
    {
      details: {
        retryAfterMs,
        limit: spec.name,
        maxMessages: spec.maxMessages,
        windowMs: spec.windowMs,
      },
    },
  );
}
