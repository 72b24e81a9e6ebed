import { randomUUID } from 'node:crypto';

/** One node's answer to a command sent with `ClusterBus.request`. */
export interface ClusterAnswer {
  nodeId: string;
  /** What the node's handler returned (JSON), when it did not throw. */
  reply?: unknown;
  /** The handler's error message, when it threw. */
  error?: string;
}

export interface ClusterAnswers {
  answers: ClusterAnswer[];
  /** Nodes that were live when the command was sent and did not answer in time. */
  missing: string[];
}

/** Runs a command from any node (this one included) and returns its JSON answer. */
export type ClusterCommandHandler = (command: unknown) => unknown;

/**
 * The seam between a hub node and its peers: how `server.cluster` reaches every node. A
 * bus only carries JSON commands and answers; what they mean is the server's
 * (`cluster-hub.ts`). `LocalClusterBus`, the default, is a cluster of one node;
 * `RedisClusterBus` (`@switchboard/redis`) reaches every node on one Redis.
 */
export interface ClusterBus {
  /** This node's id, unique among live nodes. */
  readonly nodeId: string;
  /** Starts answering commands with `handle` and announcing this node as live. */
  start(handle: ClusterCommandHandler): Promise<void>;
  /**
   * Sends `command` to every live node, this one included, and resolves with their
   * answers once all answered or the bus's timeout passed (the silent ones in `missing`).
   */
  request(command: unknown): Promise<ClusterAnswers>;
  /** Ids of the live nodes (this one included once started). */
  nodes(): Promise<string[]>;
  /** Stops answering and announces that this node left; idempotent. */
  stop(): Promise<void>;
  /**
   * Optional: calls `listener` once for every other node that left the cluster (stopped,
   * or its heartbeat expired); returns an unsubscribe. A bus of one node has none.
   */
  onNodeLeft?(listener: (nodeId: string) => void): () => void;
}

/** The default bus: one node, which answers its own commands in process. */
export class LocalClusterBus implements ClusterBus {
  readonly nodeId: string;
  #handle: ClusterCommandHandler | undefined;

  constructor(nodeId: string = randomUUID()) {
    this.nodeId = nodeId;
  }

  async start(handle: ClusterCommandHandler): Promise<void> {
    this.#handle = handle;
  }

  async request(command: unknown): Promise<ClusterAnswers> {
    const handle = this.#handle;
    if (handle === undefined) return { answers: [], missing: [] };
    try {
      // The same JSON round trip a remote node's answer takes, so results do not differ.
      const reply = JSON.parse(JSON.stringify((await handle(command)) ?? null)) as unknown;
      return { answers: [{ nodeId: this.nodeId, reply }], missing: [] };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { answers: [{ nodeId: this.nodeId, error: message }], missing: [] };
    }
  }

  async nodes(): Promise<string[]> {
    return this.#handle === undefined ? [] : [this.nodeId];
  }

  async stop(): Promise<void> {
    this.#handle = undefined;
  }
}
