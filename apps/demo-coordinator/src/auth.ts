import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Authenticate, Principal } from '@switchboard/server';

/** One token per participant. Each token maps to exactly one principal. */
export interface DemoTokens {
  coordinator: string;
  dashboard: string;
  agents: Record<string, string>;
}

export const COORDINATOR_ID = 'coordinator';
export const DASHBOARD_ID = 'dashboard';

/** Random tokens for every participant, keeping the ones given (a restart keeps the dashboard's). */
export function createTokens(
  agentIds: readonly string[],
  given: Partial<DemoTokens> = {},
): DemoTokens {
  const agents: Record<string, string> = {};
  for (const id of agentIds) agents[id] = given.agents?.[id] ?? newToken(`agent-${id}`);
  return {
    coordinator: given.coordinator ?? newToken('coordinator'),
    dashboard: given.dashboard ?? newToken('dashboard'),
    agents,
  };
}

function newToken(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('base64url')}`;
}

/**
 * An agent may publish only its own `agent.<id>.*` topics and the outcome of tasks
 * (progress, completed, failed); creating and assigning tasks is the coordinator's job.
 */
export function agentPrincipal(agentId: string, swarmId: string): Principal {
  return {
    id: agentId,
    role: 'agent',
    // The swarm channel's presence follows connections of principals with a swarmId.
    swarmId,
    publish: [`agent.${agentId}.#`, 'task.*.progress', 'task.*.completed', 'task.*.failed'],
    subscribe: ['task.#', 'swarm.#', `agent.${agentId}.#`],
    // Its commands (the dashboard's terminal); output goes to agent.<id>.term.<commandId>.
    serve: [`agent.${agentId}.exec`, `agent.${agentId}.interrupt`],
  };
}

/**
 * Sees everything, publishes nothing (no publish pattern at all); it may call methods, such
 * as the agents' commands (`agent.<id>.exec`) from its terminal pane.
 */
export function dashboardPrincipal(): Principal {
  return { id: DASHBOARD_ID, role: 'dashboard', subscribe: ['#'], publish: [] };
}

/** Unrestricted. */
export function coordinatorPrincipal(): Principal {
  return { id: COORDINATOR_ID, role: 'coordinator' };
}

/** The hub's `authenticate`: a constant-time lookup of the token. */
export function createAuthenticator(
  tokens: DemoTokens,
  options: { swarmId: string },
): Authenticate {
  const table: [Buffer, () => Principal][] = [
    [Buffer.from(tokens.coordinator), coordinatorPrincipal],
    [Buffer.from(tokens.dashboard), dashboardPrincipal],
    ...Object.entries(tokens.agents).map(
      ([id, token]) =>
        [Buffer.from(token), () => agentPrincipal(id, options.swarmId)] as [
          Buffer,
          () => Principal,
        ],
    ),
  ];
  return (token) => {
    const offered = Buffer.from(token);
    for (const [expected, principal] of table) {
      if (expected.length === offered.length && timingSafeEqual(expected, offered)) {
        return principal();
      }
    }
    return false;
  };
}
