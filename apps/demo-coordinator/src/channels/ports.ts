import type { CommandExecutor, CommandService } from '@switchboard/channels-agent';
/**
 * What the simulation needs from the three channels, in its own words. The agents and
 * the coordinator talk only to these interfaces; `channels/index.ts` binds them to the
 * channel packages, so the simulation never depends on a channel's exact API.
 */

export type AgentStatus = 'starting' | 'idle' | 'busy' | 'error' | 'offline';

export interface HealthReport {
  healthy: boolean;
  cpu?: number;
  memoryMb?: number;
  uptimeMs?: number;
}

/** An agent's own topics: status, health, metrics and its log stream. */
export interface AgentPort {
  status(status: AgentStatus, reason?: string): Promise<void>;
  health(report: HealthReport): Promise<void>;
  metrics(metrics: Record<string, number>): Promise<void>;
  /** Queues a log line; lines are sent in batches. */
  log(stream: 'stdout' | 'stderr', text: string): void;
  /** Sends the queued log lines now. */
  flush(): Promise<void>;
  /** Serves `agent.<id>.exec` and `agent.<id>.interrupt` with `executor`. */
  serveCommands(executor: CommandExecutor): CommandService;
  close(): void;
}

/** The coordinator's view of agents. */
export interface AgentWatchPort {
  onStatus(listener: (agentId: string, status: AgentStatus) => void): () => void;
}

export interface TaskAssignment {
  taskId: string;
  agentId: string;
  title?: string;
}

/** An agent's side of the task channel. */
export interface TaskWorkerPort {
  onAssigned(listener: (assignment: TaskAssignment) => void): () => void;
  progress(taskId: string, percent: number, message?: string): Promise<void>;
  complete(taskId: string, result?: unknown): Promise<void>;
  fail(taskId: string, error: string, retryable: boolean): Promise<void>;
  close(): void;
}

export interface TaskOutcome {
  taskId: string;
  agentId?: string | undefined;
  ok: boolean;
  error?: string | undefined;
  retryable?: boolean | undefined;
}

/** The coordinator's side of the task channel. */
export interface TaskDispatchPort {
  create(taskId: string, title: string): Promise<void>;
  assign(taskId: string, agentId: string): Promise<void>;
  onOutcome(listener: (outcome: TaskOutcome) => void): () => void;
  close(): void;
}

export interface Proposal {
  swarmId: string;
  proposalId: string;
  subject: string;
  choices: string[];
  voters: string[];
  deadline: number;
}

export interface ConsensusResult {
  proposalId: string;
  outcome: 'approved' | 'rejected' | 'no-quorum';
  winner?: string | undefined;
  tally: Record<string, number>;
  reason: string;
}

/** An agent's side of the swarm channel. */
export interface SwarmVoterPort {
  onProposal(listener: (proposal: Proposal) => void): () => void;
  vote(proposalId: string, choice: string): Promise<void>;
  close(): void;
}

export interface ProposalInput {
  proposalId: string;
  subject: string;
  choices: string[];
  voters: string[];
  deadlineMs: number;
}

export type TopologyName = 'mesh' | 'hierarchical' | 'ring' | 'star';

export interface TopologyInput {
  topology: TopologyName;
  agents: string[];
  version: number;
}

/** The coordinator's side of the swarm channel. */
export interface SwarmLeaderPort {
  propose(input: ProposalInput): Promise<void>;
  waitForConsensus(proposalId: string, timeoutMs: number): Promise<ConsensusResult>;
  publishTopology(input: TopologyInput): Promise<void>;
  /** Agents connected to the swarm, as the hub sees them. */
  members(): string[];
  close(): void;
}
