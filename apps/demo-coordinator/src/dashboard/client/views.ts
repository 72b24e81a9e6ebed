// What the dashboard shows, as plain data: the views DashboardState (state.ts) keeps.

/** An event as the client delivers it (the channels' own shape). */
export type { HubEvent } from '@switchboard/channels-core';

export type AgentStatus = 'starting' | 'idle' | 'busy' | 'error' | 'offline';

export interface AgentView {
  id: string;
  status: AgentStatus | 'unknown';
  reason?: string | undefined;
  healthy?: boolean | undefined;
  cpu?: number | undefined;
  memoryMb?: number | undefined;
  uptimeMs?: number | undefined;
  metrics: Record<string, number>;
  lastLog?: string | undefined;
  task?: string | undefined;
  /** From presence: false once the hub saw the agent's connection go. */
  present?: boolean | undefined;
  /** When the agent went offline (status `offline` or presence `left`); unset while online. */
  offlineSince?: number | undefined;
  updatedAt: number;
}

/** Offline by its own word (status) or the hub's (presence): its last health is history. */
export function isAgentOffline(agent: AgentView): boolean {
  return agent.status === 'offline' || agent.present === false;
}

export type TaskState = 'pending' | 'assigned' | 'running' | 'completed' | 'failed';

export interface TaskView {
  id: string;
  title: string;
  agentId?: string | undefined;
  state: TaskState;
  percent: number;
  message?: string | undefined;
  error?: string | undefined;
  attempts: number;
  createdAt: number;
  updatedAt: number;
}

export interface RoundView {
  id: string;
  subject: string;
  choices: string[];
  voters: string[];
  quorum: string;
  deadline?: number | undefined;
  outcome?: string | undefined;
  winner?: string | undefined;
  tally: Record<string, number>;
  votes: Record<string, string>;
  reason?: string | undefined;
  at: number;
}

export interface TopologyView {
  swarmId: string;
  topology: string;
  agents: string[];
  version: number;
  at: number;
}

export interface PresenceChange {
  agentId: string;
  event: 'joined' | 'left';
  reason?: string | undefined;
  at: number;
}

export interface StreamItem {
  key: string;
  topic: string;
  text: string;
  timestamp: number;
  replay: boolean;
  tone: 'plain' | 'good' | 'warn' | 'bad';
}

export interface DashboardLimits {
  /** Finished tasks kept (running ones are always kept). @default 40 */
  finishedTasks: number;
  /** Consensus rounds kept. @default 8 */
  rounds: number;
  /** Event stream entries kept. @default 500 */
  stream: number;
  /** Presence changes kept. @default 6 */
  presence: number;
}
