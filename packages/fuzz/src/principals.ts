import type { Principal } from '@switchboard/server';

/** The restricted principal: everything it receives must match this pattern. */
export const RESTRICTED_PATTERN = 'agent.7.#';

/** How long the `expiring` principal's credential lasts: the hub asks for refreshes. */
export const EXPIRING_LIFETIME_MS = 3_000;

/**
 * The principals the fuzz hub knows, by token. `watcher` is the well-behaved side; `agent7` may
 * only touch `agent.7.#`; `limited` is rate limited with the `disconnect` policy; `expiring`
 * gets a short-lived credential. Any other token is refused.
 */
export function principalFor(token: string, now: number, openAcl = false): Principal | false {
  switch (token) {
    case 'admin':
      return { id: 'admin' };
    case 'watcher':
      return { id: 'watcher' };
    case 'agent7':
      return {
        id: 'agent7',
        // The fault `open-acl` (the soak's own tests) forgets the subscribe ACL: a leak.
        ...(openAcl ? {} : { subscribe: [RESTRICTED_PATTERN] }),
        publish: [RESTRICTED_PATTERN],
        request: [RESTRICTED_PATTERN, 'echo'],
        serve: [RESTRICTED_PATTERN],
      };
    case 'limited':
      return {
        id: 'limited',
        rateLimits: {
          messages: { maxMessages: 200, windowMs: 1_000 },
          publish: { maxMessages: 50, windowMs: 1_000 },
          policy: 'disconnect',
          disconnectAfter: 20,
        },
      };
    case 'expiring':
      return { id: 'expiring', expiresAt: now + EXPIRING_LIFETIME_MS };
    default:
      return false;
  }
}

/** Tokens the fuzzing connections draw from: every principal above, and refused ones. */
export const FUZZ_TOKENS = ['admin', 'agent7', 'limited', 'expiring', 'nobody', 'x'.repeat(8192)];
