// The channel code of the @claude-flow/realtime README (001) and its implementation notes
// (000), verbatim but for the imports (`@claude-flow/realtime` -> `@switchboard/*`). Each
// block is wrapped in a function taking what the block uses but does not create (the
// Quick Start's `router` and `client`, the notes' `agent`, `swarm`, `task`); a block the
// README shows as "Server side" and "Client side" (two processes) is two functions.
// `pnpm typecheck` checks this file as a seed user's TypeScript; `channels.test.ts` runs it.

import { AgentChannelClient, AgentChannelServer } from '@switchboard/channels-agent';
import { SwarmChannelClient, SwarmChannelServer } from '@switchboard/channels-swarm';
import { TaskChannelClient, TaskChannelServer } from '@switchboard/channels-task';
import type { WSClient } from '@switchboard/client';
import type { WSRouter } from '@switchboard/server';

// README: Channels / Agent Channel, server side.
export async function readmeAgentServer(router: WSRouter) {
  // Server side
  const agentServer = new AgentChannelServer(router);

  await agentServer.publishStatusChange({
    agentId: 'agent-1',
    status: 'busy',
    timestamp: Date.now(),
  });

  await agentServer.publishHealthUpdate({
    agentId: 'agent-1',
    healthy: true,
    metrics: { cpu: 50, memory: 60 },
    timestamp: Date.now(),
  });
}

// README: Channels / Agent Channel, client side.
export async function readmeAgentClient(client: WSClient) {
  // Client side
  const agentClient = new AgentChannelClient(client);

  await agentClient.subscribeAll();

  agentClient.on('status-change', (event) => {
    console.log('Agent status:', event);
  });

  agentClient.on('health-update', (event) => {
    console.log('Agent health:', event);
  });
  return agentClient;
}

// README: Channels / Task Channel (both sides; the wait also sees a task completed before it).
export async function readmeTaskChannel(router: WSRouter, client: WSClient) {
  // Server side
  const taskServer = new TaskChannelServer(router);

  await taskServer.publishProgress({
    taskId: 'task-1',
    progress: 50,
    status: 'in-progress',
    timestamp: Date.now(),
  });

  await taskServer.publishCompleted({
    taskId: 'task-1',
    status: 'completed',
    result: { success: true },
    timestamp: Date.now(),
  });

  // Client side
  const taskClient = new TaskChannelClient(client);

  await taskClient.subscribeToTask('task-1');

  // Wait for task completion
  const result = await taskClient.waitForCompletion('task-1', 30000);
  console.log('Task completed:', result);
}

// README: Channels / Swarm Channel, server side: its first line, then the rest (a hub
// learns its swarm's members in between, see channels.test.ts).
export function readmeSwarmServerCreate(router: WSRouter) {
  // Server side
  const swarmServer = new SwarmChannelServer(router);
  return swarmServer;
}

export async function readmeSwarmServerPublish(swarmServer: SwarmChannelServer) {
  await swarmServer.publishTopologyChange({
    swarmId: 'swarm-1',
    oldTopology: 'mesh',
    newTopology: 'hierarchical',
    timestamp: Date.now(),
  });

  await swarmServer.publishConsensus({
    swarmId: 'swarm-1',
    proposalId: 'prop-1',
    type: 'proposed',
    proposal: { action: 'scale-up' },
    timestamp: Date.now(),
  });
}

// README: Channels / Swarm Channel, client side.
export async function readmeSwarmClient(client: WSClient) {
  // Client side
  const swarmClient = new SwarmChannelClient(client);

  await swarmClient.subscribeToSwarm('swarm-1');

  // Wait for consensus
  const result = await swarmClient.waitForConsensus('swarm-1', 'prop-1', 30000);
  console.log('Consensus result:', result);

  // Submit vote
  await swarmClient.submitVote('swarm-1', 'prop-1', 'yes', 'agent-1');
}

// Notes: Usage Examples / Agent Events, server.
export async function notesAgentServer(router: WSRouter) {
  // Server
  const agentServer = new AgentChannelServer(router);
  await agentServer.publishStatusChange({
    agentId: 'agent-1',
    status: 'busy',
    timestamp: Date.now(),
  });
}

// Notes: Usage Examples / Agent Events, client.
export async function notesAgentClient(client: WSClient) {
  // Client
  const agentClient = new AgentChannelClient(client);
  await agentClient.subscribeToAgent('agent-1');
  agentClient.on('status-change:agent-1', (event) => {
    console.log('Agent status:', event.status);
  });
  return agentClient;
}

// Notes: Usage Examples / Task Tracking.
export async function notesTaskTracking(client: WSClient) {
  const taskClient = new TaskChannelClient(client);
  await taskClient.subscribeToTask('task-123');

  // Wait for completion with timeout
  const result = await taskClient.waitForCompletion('task-123', 30000);
  console.log('Task result:', result);
}

// Notes: Usage Examples / Consensus Voting.
export async function notesConsensusVoting(client: WSClient) {
  const swarmClient = new SwarmChannelClient(client);
  await swarmClient.subscribeToSwarm('swarm-1');

  // Submit vote
  await swarmClient.submitVote('swarm-1', 'proposal-1', 'yes', 'agent-1');

  // Wait for result
  const result = await swarmClient.waitForConsensus('swarm-1', 'proposal-1');
  console.log('Consensus:', result.result?.accepted);
}

// Notes: Integration with claude-flow / With @claude-flow/agents.
export async function notesWithAgents(wsClient: WSClient, agent: { id: string }) {
  // Agent reports status via WebSocket
  const agentClient = new AgentChannelClient(wsClient);
  await agentClient.reportStatus({
    agentId: agent.id,
    status: 'busy',
    timestamp: Date.now(),
  });
}

// Notes: Integration with claude-flow / With @claude-flow/swarm.
export async function notesWithSwarm(router: WSRouter, swarm: { id: string }) {
  // Swarm coordinator publishes topology changes
  const swarmServer = new SwarmChannelServer(router);
  await swarmServer.publishTopologyChange({
    swarmId: swarm.id,
    oldTopology: 'mesh',
    newTopology: 'hierarchical',
    timestamp: Date.now(),
  });
  return swarmServer;
}

// Notes: Integration with claude-flow / With Task System.
export async function notesWithTaskSystem(wsClient: WSClient, task: { id: string }) {
  // Task executor reports progress
  const taskClient = new TaskChannelClient(wsClient);
  await taskClient.reportProgress({
    taskId: task.id,
    progress: 50,
    status: 'in-progress',
    timestamp: Date.now(),
  });
}
