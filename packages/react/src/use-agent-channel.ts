import { type AgentChannelClient, agentTopic } from '@switchboard/channels-agent';
import type { SwitchboardError } from '@switchboard/client';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { type AgentState, ALL_AGENTS, agentDirectory } from './agent-directory.ts';
import { useSwitchboard } from './provider.tsx';
import { useConnectionStatus } from './use-connection-status.ts';

export interface AgentChannel {
  /** Every agent heard of (sorted by id), or only `agentId`'s when one was given. */
  agents: readonly AgentState[];
  /** The state of `agentId`; undefined without one, or before its first event. */
  agent: AgentState | undefined;
  connected: boolean;
  error: SwitchboardError | undefined;
  /** The shared channel client, e.g. to `reportStatus` from an agent's own page. */
  channel: AgentChannelClient;
}

/**
 * Live status and health of every agent (`useAgentChannel()`) or of one
 * (`useAgentChannel('agent-7')`), starting from the retained last values.
 */
export function useAgentChannel(agentId?: string): AgentChannel {
  // A bad id throws INVALID_TOPIC (details.field 'agentId') here, not later in an effect.
  if (agentId !== undefined) agentTopic(agentId, 'status');
  const directory = agentDirectory(useSwitchboard());
  const scope = agentId ?? ALL_AGENTS;
  const subscribe = useCallback(
    (onChange: () => void) => directory.subscribe(scope, onChange),
    [directory, scope],
  );
  const snapshot = useSyncExternalStore(
    subscribe,
    directory.getSnapshot,
    directory.getServerSnapshot,
  );
  const { state } = useConnectionStatus();
  return useMemo(() => {
    const agent = agentId === undefined ? undefined : snapshot.byId.get(agentId);
    const agents = agentId === undefined ? snapshot.agents : agent === undefined ? [] : [agent];
    return {
      agents,
      agent,
      connected: state === 'connected',
      error: snapshot.error,
      channel: directory.channel,
    };
  }, [snapshot, agentId, state, directory]);
}
