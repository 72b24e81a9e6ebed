import type { HubLogEntry, HubLogRouter } from './log-consensus.ts';

/** The cluster as presence needs it: `server.cluster` of a WSServer with a cluster bus. */
export interface PresenceCluster {
  /** This node's id; presence events this node publishes carry it as `node`. */
  readonly nodeId: string;
  /** Calls `listener` with the id of every node that left (stopped or died); returns an unsubscribe. */
  onNodeLeft(listener: (nodeId: string) => void): () => void;
}

/** A `left` event to publish for a member of a node that is gone, with its one id. */
export interface OrphanLeft {
  swarmId: string;
  agentId: string;
  node: string;
  id: string;
}

/**
 * Presence across the nodes of a cluster, folded from the presence events in the shared
 * log: per swarm and agent, the nodes it joined on and has not left (each node publishes
 * the joins and leaves of its own connections, with `node`). When a node leaves the
 * cluster, every surviving node publishes `left` for each member it saw on that node,
 * with the same id (`presence:left:<node>:<swarm>:<agent>:<offset of the join>`), so the
 * log keeps one per member; the node itself uses that id for its own leaves.
 */
export class ClusterPresence {
  readonly #router: HubLogRouter;
  readonly #cluster: PresenceCluster;
  /** swarm -> agent -> node -> offset of the join. */
  readonly #members = new Map<string, Map<string, Map<string, number>>>();
  readonly #stopNodeLeft: () => void;
  readonly #publishLeft: (left: OrphanLeft) => void;

  constructor(
    router: HubLogRouter,
    cluster: PresenceCluster,
    publishLeft: (left: OrphanLeft) => void,
  ) {
    this.#router = router;
    this.#cluster = cluster;
    this.#publishLeft = publishLeft;
    router.on('published', this.#fold);
    this.#stopNodeLeft = cluster.onNodeLeft((nodeId) => this.#nodeLeft(nodeId));
  }

  get nodeId(): string {
    return this.#cluster.nodeId;
  }

  /** Agents present in the swarm on any node, as this node folded the log. */
  members(swarmId: string): string[] {
    return [...(this.#members.get(swarmId)?.keys() ?? [])];
  }

  /** The id of the `left` event for `agentId`'s presence on `node` (see the class doc). */
  leftId(swarmId: string, agentId: string, node: string): string {
    const joined = this.#members.get(swarmId)?.get(agentId)?.get(node);
    return `presence:left:${node}:${swarmId}:${agentId}:${joined ?? 'unseen'}`;
  }

  close(): void {
    this.#router.off('published', this.#fold);
    this.#stopNodeLeft();
  }

  readonly #fold = (entry: HubLogEntry): void => {
    const segments = entry.topic.split('.');
    if (segments[0] !== 'swarm' || segments[2] !== 'presence' || segments.length !== 3) return;
    const data = entry.data as {
      swarmId?: unknown;
      agentId?: unknown;
      event?: unknown;
      node?: unknown;
    };
    const { swarmId, agentId, event, node } = data ?? {};
    if (typeof swarmId !== 'string' || typeof agentId !== 'string' || typeof node !== 'string') {
      return;
    }
    let agents = this.#members.get(swarmId);
    if (event === 'joined') {
      if (agents === undefined) {
        agents = new Map();
        this.#members.set(swarmId, agents);
      }
      let nodes = agents.get(agentId);
      if (nodes === undefined) {
        nodes = new Map();
        agents.set(agentId, nodes);
      }
      if (!nodes.has(node)) nodes.set(node, entry.offset);
      return;
    }
    if (event !== 'left' || agents === undefined) return;
    const nodes = agents.get(agentId);
    nodes?.delete(node);
    if (nodes?.size === 0) agents.delete(agentId);
    if (agents.size === 0) this.#members.delete(swarmId);
  };

  #nodeLeft(nodeId: string): void {
    if (nodeId === this.#cluster.nodeId) return;
    for (const [swarmId, agents] of this.#members) {
      for (const [agentId, nodes] of agents) {
        if (!nodes.has(nodeId)) continue;
        this.#publishLeft({
          swarmId,
          agentId,
          node: nodeId,
          id: this.leftId(swarmId, agentId, nodeId),
        });
      }
    }
  }
}
