import type { HubRouteContext } from '@switchboard/channels-core';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';

/**
 * Whether a connection whose principal `authenticate` did not name (it returned `true`, or
 * the hub is anonymous: the principal is named after the connection) may name its voter
 * with `submitVote`'s fourth argument. `'never'`: the voter is always the principal.
 */
export type VoterNames = 'unnamed-connections' | 'never';

export const VOTER_NAMES: readonly VoterNames[] = ['unnamed-connections', 'never'];

/**
 * Who a vote counts for. The hub's rule, so that nobody votes as somebody else:
 *
 * - a principal `authenticate` named (`{ id: 'agent-1' }`) votes as itself; a voter argument
 *   that names somebody else is FORBIDDEN (`reason: 'voter-mismatch'`);
 * - a principal named after its connection has no name the hub could check, so (with
 *   `voterNames: 'unnamed-connections'`, the default) the voter argument names it, as the
 *   seed API did. The connection then keeps that name: a vote under another name from the
 *   same connection is FORBIDDEN, so one connection cannot vote as many.
 */
export class VoterIdentities {
  readonly #voterNames: VoterNames;
  /** The name each unnamed connection voted under; keyed by its principal object, which lives as long as the connection. */
  readonly #names = new WeakMap<object, string>();

  constructor(voterNames: VoterNames) {
    this.#voterNames = voterNames;
  }

  /** The voter id a vote counts for, or undefined for a caller without a principal. */
  resolve(context: HubRouteContext, claimed: string | undefined): string | undefined {
    const { principal } = context;
    if (principal === null) return undefined;
    if (!this.#mayName(context)) {
      if (claimed !== undefined && claimed !== principal.id) {
        throw mismatch(claimed, principal.id, 'the caller is authenticated');
      }
      return principal.id;
    }
    const bound = this.#names.get(principal);
    if (bound !== undefined && claimed !== undefined && claimed !== bound) {
      throw mismatch(claimed, bound, 'this connection already voted under that name');
    }
    return claimed ?? bound ?? principal.id;
  }

  /** Remembers the name an unnamed connection's vote was counted under. */
  counted(context: HubRouteContext, voterId: string): void {
    if (context.principal !== null && this.#mayName(context)) {
      this.#names.set(context.principal, voterId);
    }
  }

  #mayName(context: HubRouteContext): boolean {
    return (
      this.#voterNames === 'unnamed-connections' &&
      context.client !== undefined &&
      context.client.id === context.principal?.id
    );
  }
}

function mismatch(claimed: string, voterId: string, why: string): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.FORBIDDEN,
    `Cannot vote as ${JSON.stringify(claimed)}: ${why} as ${JSON.stringify(voterId)}`,
    { details: { reason: 'voter-mismatch', field: 'voterId', voterId } },
  );
}
