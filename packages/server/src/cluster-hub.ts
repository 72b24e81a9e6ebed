import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { encodeAppMessage } from './app-message.ts';
import type { ClientInfo } from './client-info.ts';
import type { ClusterAnswers, ClusterBus } from './cluster-bus.ts';
import type { StatsReport } from './http-endpoints.ts';

/** A client of any node, with the node that holds its connection. */
export interface ClusterClientInfo extends ClientInfo {
  nodeId: string;
}

export interface ClusterStats {
  /** Sums over the nodes that answered (`topics`: the largest, since the log is shared). */
  totals: StatsReport;
  nodes: { nodeId: string; stats: StatsReport }[];
  /** Nodes that were live and did not answer in time. */
  missing: string[];
}

/** What a node does for a command (its node-local API, WSServer's own methods). */
export interface ClusterLocal {
  broadcast(message: unknown): number;
  sendMessage(clientId: string, message: unknown): boolean;
  disconnectClient(clientId: string, reason: string): boolean;
  revoke(principalId: string, reason: string): number;
  getConnectedClients(): ClientInfo[];
  stats(): StatsReport;
}

type Command =
  | { op: 'broadcast'; message: unknown }
  | { op: 'send'; clientId: string; message: unknown }
  | { op: 'kick'; clientId: string; reason: string }
  | { op: 'revoke'; principalId: string; reason: string }
  | { op: 'clients' }
  | { op: 'stats' };

/**
 * `server.cluster`: the hub API over every node of a cluster, through its `ClusterBus`
 * (one node with the default `LocalClusterBus`). Each call is one command to every live
 * node; each node runs it with its node-local method, and the answers are combined. Nodes
 * that did not answer within the bus's timeout are named in `missing` where a result has
 * one (a node that died is live for its heartbeat TTL; its clients are gone already).
 */
export class ClusterHub {
  readonly #bus: ClusterBus;

  constructor(bus: ClusterBus) {
    this.#bus = bus;
  }

  get nodeId(): string {
    return this.#bus.nodeId;
  }

  /** Ids of the live nodes. */
  nodes(): Promise<string[]> {
    return this.#bus.nodes();
  }

  /**
   * Calls `listener` with the id of every other node that leaves the cluster (stopped, or
   * died and its heartbeat expired); returns an unsubscribe. Never called on one node.
   */
  onNodeLeft(listener: (nodeId: string) => void): () => void {
    return this.#bus.onNodeLeft?.(listener) ?? (() => {});
  }

  /** `broadcast` on every node: how many clients got it, cluster-wide. */
  async broadcast(message: unknown): Promise<{ sent: number; missing: string[] }> {
    encodeAppMessage('cluster.broadcast', message);
    const answers = await this.#request({ op: 'broadcast', message });
    return { sent: sum(answers), missing: answers.missing };
  }

  /** `sendMessage` to a client on whichever node holds it; false when none does. */
  async sendMessage(clientId: string, message: unknown): Promise<boolean> {
    checkId('cluster.sendMessage', clientId);
    encodeAppMessage('cluster.sendMessage', message);
    return any(await this.#request({ op: 'send', clientId, message }));
  }

  /** `disconnectClient` (close 4006) on whichever node holds the client. */
  async disconnectClient(clientId: string, reason = 'Disconnected by server'): Promise<boolean> {
    checkId('cluster.disconnectClient', clientId);
    return any(await this.#request({ op: 'kick', clientId, reason: String(reason) }));
  }

  /** `revoke` on every node: every connection of the principal, cluster-wide, ends (4009). */
  async revoke(
    principalId: string,
    reason = 'Credentials revoked',
  ): Promise<{ ended: number; missing: string[] }> {
    checkId('cluster.revoke', principalId);
    const answers = await this.#request({ op: 'revoke', principalId, reason: String(reason) });
    return { ended: sum(answers), missing: answers.missing };
  }

  /** The authenticated clients of every node that answered. */
  async getConnectedClients(): Promise<ClusterClientInfo[]> {
    const { answers } = await this.#request({ op: 'clients' });
    return answers.flatMap(({ nodeId, reply }) =>
      (reply as ClientInfo[]).map((client) => ({ ...client, nodeId })),
    );
  }

  /** `/stats` of every node that answered, and their totals. */
  async stats(): Promise<ClusterStats> {
    const { answers, missing } = await this.#request({ op: 'stats' });
    const nodes = answers.map(({ nodeId, reply }) => ({ nodeId, stats: reply as StatsReport }));
    const totals = {} as Record<string, number>;
    for (const { stats } of nodes) {
      for (const [key, value] of Object.entries(stats)) {
        totals[key] =
          key === 'topics' ? Math.max(totals[key] ?? 0, value) : (totals[key] ?? 0) + value;
      }
    }
    return { totals: totals as unknown as StatsReport, nodes, missing };
  }

  async #request(command: Command): Promise<ClusterAnswers> {
    const result = await this.#bus.request(command);
    const failed = result.answers.find((answer) => answer.error !== undefined);
    if (failed !== undefined) {
      throw new SwitchboardError(
        ErrorCode.INTERNAL_ERROR,
        `cluster ${command.op}: node ${failed.nodeId} failed: ${failed.error}`,
      );
    }
    return result;
  }
}

/** Runs a command another node (or this one) sent; the answer goes back as JSON. */
export function runClusterCommand(local: ClusterLocal, command: unknown): unknown {
  const c = command as Command;
  switch (c?.op) {
    case 'broadcast':
      return local.broadcast(c.message);
    case 'send':
      return local.sendMessage(String(c.clientId), c.message);
    case 'kick':
      return local.disconnectClient(String(c.clientId), String(c.reason));
    case 'revoke':
      return local.revoke(String(c.principalId), String(c.reason));
    case 'clients':
      return local.getConnectedClients();
    case 'stats':
      return local.stats();
    default:
      throw new TypeError(`Unknown cluster command ${JSON.stringify((c as { op?: unknown })?.op)}`);
  }
}

function sum({ answers }: ClusterAnswers): number {
  return answers.reduce((total, { reply }) => total + (typeof reply === 'number' ? reply : 0), 0);
}

function any({ answers }: ClusterAnswers): boolean {
  return answers.some(({ reply }) => reply === true);
}

function checkId(method: string, id: unknown): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new TypeError(`WSServer.${method} needs a non-empty id string`);
  }
}
