import type { HubPrincipal } from '@switchboard/channels-core';
import { segmentProblem } from '@switchboard/channels-core';

/** A connection as the WSServer reports it in `authenticated` and `disconnection`. */
export interface PresenceClient {
  id: string;
  principal: HubPrincipal | null;
}

/**
 * Connection events with the WSServer's shape. `getConnectedClients`, when present, seeds
 * the members who connected before the channel was created.
 */
export interface PresenceSource {
  on(event: 'authenticated', listener: (client: PresenceClient) => void): unknown;
  on(
    event: 'disconnection',
    listener: (client: PresenceClient, code: number, reason: string) => void,
  ): unknown;
  off(event: 'authenticated', listener: (client: PresenceClient) => void): unknown;
  off(
    event: 'disconnection',
    listener: (client: PresenceClient, code: number, reason: string) => void,
  ): unknown;
  getConnectedClients?(): PresenceClient[];
}

/** The swarm(s) a principal belongs to. */
export type SwarmOf = (principal: HubPrincipal) => string | readonly string[] | undefined;

/** Default `swarmOf`: the principal's `swarmId` when it is a string. */
export const swarmIdOfPrincipal: SwarmOf = (principal) =>
  typeof principal.swarmId === 'string' ? principal.swarmId : undefined;

export interface PresenceChange {
  swarmId: string;
  agentId: string;
  event: 'joined' | 'left';
  reason?: string;
}

/**
 * Counts connections per (swarm, principal): `joined` when a principal's first connection
 * authenticates, `left` when its last one closes, however it closed (a terminated socket
 * and a heartbeat timeout close too). An agent with two connections is present once.
 */
export class PresenceTracker {
  readonly #swarmOf: SwarmOf;
  readonly #onChange: (change: PresenceChange) => void;
  readonly #onInvalid: (error: Error) => void;
  /** Swarms per connection id, for the connections counted. */
  readonly #connections = new Map<string, { agentId: string; swarms: string[] }>();
  /** Open connections per principal, per swarm. */
  readonly #members = new Map<string, Map<string, number>>();

  constructor(
    swarmOf: SwarmOf,
    onChange: (change: PresenceChange) => void,
    onInvalid: (error: Error) => void,
  ) {
    this.#swarmOf = swarmOf;
    this.#onChange = onChange;
    this.#onInvalid = onInvalid;
  }

  readonly connected = (client: PresenceClient): void => {
    if (client.principal === null || this.#connections.has(client.id)) return;
    const swarms = this.#swarmsOf(client.principal);
    if (swarms.length === 0) return;
    const agentId = client.principal.id;
    this.#connections.set(client.id, { agentId, swarms });
    for (const swarmId of swarms) {
      let members = this.#members.get(swarmId);
      if (members === undefined) {
        members = new Map();
        this.#members.set(swarmId, members);
      }
      const count = (members.get(agentId) ?? 0) + 1;
      members.set(agentId, count);
      if (count === 1) this.#onChange({ swarmId, agentId, event: 'joined' });
    }
  };

  readonly disconnected = (client: PresenceClient, code: number, reason: string): void => {
    const entry = this.#connections.get(client.id);
    if (entry === undefined) return;
    this.#connections.delete(client.id);
    for (const swarmId of entry.swarms) {
      const members = this.#members.get(swarmId);
      const count = (members?.get(entry.agentId) ?? 1) - 1;
      if (count > 0) {
        members!.set(entry.agentId, count);
        continue;
      }
      members?.delete(entry.agentId);
      if (members?.size === 0) this.#members.delete(swarmId);
      this.#onChange({
        swarmId,
        agentId: entry.agentId,
        event: 'left',
        reason: reason === '' ? `connection closed (${code})` : `${reason} (${code})`,
      });
    }
  };

  /** Principal ids with at least one open connection in the swarm. */
  members(swarmId: string): string[] {
    return [...(this.#members.get(swarmId)?.keys() ?? [])];
  }

  #swarmsOf(principal: HubPrincipal): string[] {
    let result: string | readonly string[] | undefined;
    try {
      result = this.#swarmOf(principal);
    } catch (error) {
      this.#onInvalid(error instanceof Error ? error : new Error(String(error)));
      return [];
    }
    const list = result === undefined ? [] : typeof result === 'string' ? [result] : [...result];
    return [...new Set(list)].filter((swarmId) => {
      const problem = segmentProblem(swarmId);
      if (problem === undefined) return true;
      this.#onInvalid(
        new TypeError(
          `swarmOf returned an invalid swarm id ${JSON.stringify(swarmId)} for principal "${principal.id}": ${problem}`,
        ),
      );
      return false;
    });
  }
}
