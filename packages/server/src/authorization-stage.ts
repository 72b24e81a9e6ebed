import {
  authorizePattern,
  ErrorCode,
  HISTORY_METHOD,
  isReservedTopic,
  matches,
  SwitchboardError,
} from '@switchboard/protocol';
import type { FrameStage } from './frame-stage.ts';
import type { Principal } from './principal.ts';

/**
 * @internal
 * Whether the principal may serve `method` as a client-hosted handler: its `serve` patterns,
 * matched against the method as `request` patterns are. Checked at `handle` and again for
 * each call, so a refreshed credential that lost the right gets no more calls.
 */
export function mayServe(principal: Principal | null, method: string): boolean {
  const allowed = principal?.serve;
  return allowed === undefined || allowed.some((pattern) => matches(pattern, method));
}

/**
 * The principal's `subscribe`, `publish`, `request` and `serve` lists (README,
 * "Authorization"); no client publishes to a reserved `$` topic: a subscription must be contained in one allowed pattern, a publish topic,
 * a request method and a handled method must match one. `$history` is not in the `request` list's space: it reads only what the
 * connection's own subscriptions, authorized when made, match. Unrestricted principals (no
 * list) cost one property read per frame.
 */
export const authorizationStage: FrameStage = {
  name: 'authorization',
  check(frame, { principal }) {
    if (frame.type === 'publish') {
      if (isReservedTopic(frame.topic)) {
        // `$` topics are the hub's own (the KPI snapshots on `$metrics`): whatever the ACL says.
        return new SwitchboardError(
          ErrorCode.FORBIDDEN,
          `Topics starting with "$" are reserved for the hub: cannot publish to "${frame.topic}"`,
          { details: { topic: frame.topic, reserved: true } },
        );
      }
      const allowed = principal?.publish;
      if (allowed === undefined || allowed.some((pattern) => matches(pattern, frame.topic))) {
        return undefined;
      }
      return new SwitchboardError(
        ErrorCode.FORBIDDEN,
        `Not allowed to publish to "${frame.topic}"`,
        { details: { topic: frame.topic } },
      );
    }
    if (frame.type === 'subscribe') {
      const allowed = principal?.subscribe;
      if (allowed === undefined) return undefined;
      for (const pattern of frame.topics) {
        const decision = authorizePattern(allowed, pattern);
        if (decision.ok) continue;
        if (decision.reason === 'too-complex') {
          // Containment past the work bound is undecided, not allowed: refuse it plainly.
          return new SwitchboardError(
            ErrorCode.PATTERN_TOO_COMPLEX,
            `Pattern "${pattern}" is too complex to check against the allowed patterns; subscribe with a simpler pattern`,
            { details: { pattern } },
          );
        }
        return new SwitchboardError(
          ErrorCode.FORBIDDEN,
          `Not allowed to subscribe to "${pattern}": it could match topics outside the allowed patterns`,
          { details: { pattern } },
        );
      }
      return undefined;
    }
    if (frame.type === 'request') {
      const allowed = principal?.request;
      if (
        allowed === undefined ||
        frame.method === HISTORY_METHOD ||
        allowed.some((pattern) => matches(pattern, frame.method))
      ) {
        return undefined;
      }
      return new SwitchboardError(ErrorCode.FORBIDDEN, `Not allowed to call "${frame.method}"`, {
        details: { method: frame.method },
      });
    }
    if (frame.type === 'handle') {
      if (mayServe(principal, frame.method)) return undefined;
      return new SwitchboardError(ErrorCode.FORBIDDEN, `Not allowed to serve "${frame.method}"`, {
        details: { method: frame.method },
      });
    }
    return undefined;
  },
};
