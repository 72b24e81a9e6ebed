import { AgentChannelClient, AgentChannelServer } from '@switchboard/channels-agent';
import { SwarmChannelClient, SwarmChannelServer } from '@switchboard/channels-swarm';
import { TaskChannelClient, TaskChannelServer } from '@switchboard/channels-task';
import { WSClient } from '@switchboard/client';
import { ErrorCode } from '@switchboard/protocol';
import { WSRouter, WSServer, type WSServerOptions } from '@switchboard/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as readme from './readme/channels.ts';

// The channel examples of the seed README (001) and notes (000), run as a seed user would:
// real sockets, the seed's own server and client options (port 0 instead of 8080), and the
// console output the examples print is what the user observes.

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
  vi.restoreAllMocks();
});

/** The README's Quick Start: `authenticate: async (token) => token === 'valid-token'`. */
const SEED_AUTH: WSServerOptions = { authenticate: async (token) => token === 'valid-token' };

async function quickStart(options: WSServerOptions = SEED_AUTH, token = 'valid-token') {
  const server = new WSServer({ port: 0, ...options });
  const router = new WSRouter(server);
  await server.start();
  cleanup.push(async () => {
    await server.shutdown(500);
    await router.close();
  });
  const connect = async () => {
    const client = new WSClient({
      url: server.url,
      token,
      reconnect: true,
      reconnectInterval: 5000,
    });
    await client.connect();
    cleanup.push(() => client.disconnect());
    return client;
  };
  return { server, router, client: await connect(), connect };
}

/** What the examples print with `console.log`, by their first argument. */
function consoleOutput() {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  return (label: string): unknown[] =>
    log.mock.calls.filter(([first]) => first === label).map(([, value]) => value);
}

describe('README: Channels', () => {
  it('Agent Channel: status and health arrive with timestamp and metrics', async () => {
    const printed = consoleOutput();
    const { router, client } = await quickStart();
    await readme.readmeAgentClient(client); // a dashboard listening first
    await readme.readmeAgentServer(router);
    await vi.waitFor(() => expect(printed('Agent health:')).toHaveLength(1));
    expect(printed('Agent status:')).toEqual([
      expect.objectContaining({
        agentId: 'agent-1',
        status: 'busy',
        timestamp: expect.any(Number),
      }),
    ]);
    const [health] = printed('Agent health:') as { metrics: { cpu: number; memory: number } }[];
    expect(health).toMatchObject({
      agentId: 'agent-1',
      healthy: true,
      metrics: { cpu: 50, memory: 60 },
      timestamp: expect.any(Number),
    });
    expect(health!.metrics.cpu).toBe(50);
  });

  it('Task Channel: progress and completion, and waitForCompletion resolves with the result', async () => {
    const printed = consoleOutput();
    const { router, client, connect } = await quickStart();
    const watcher = new TaskChannelClient(await connect());
    await watcher.subscribeToTask('task-1');
    const progress = new Promise((resolve) => watcher.once('progress', resolve));
    await readme.readmeTaskChannel(router, client);
    expect(await progress).toMatchObject({ progress: 50, status: 'in-progress' });
    expect(printed('Task completed:')).toEqual([
      expect.objectContaining({
        taskId: 'task-1',
        status: 'completed',
        result: { success: true },
        timestamp: expect.any(Number),
      }),
    ]);
  });

  it('Swarm Channel: topology change, a proposal the hub tallies, waitForConsensus with result.accepted', async () => {
    const printed = consoleOutput();
    const { router, client, connect } = await quickStart();
    const swarmServer = readme.readmeSwarmServerCreate(router);
    cleanup.push(async () => swarmServer.close());
    // The coordinator knows its swarm: three agents (the seed API's publishAgentJoined).
    for (const agentId of ['agent-1', 'agent-2', 'agent-3']) {
      await swarmServer.publishAgentJoined({ swarmId: 'swarm-1', agentId, timestamp: Date.now() });
    }
    const watcher = new SwarmChannelClient(await connect());
    await watcher.subscribeToSwarm('swarm-1');
    const topology = new Promise((resolve) => watcher.once('topology-change', resolve));

    await readme.readmeSwarmServerPublish(swarmServer);
    expect(await topology).toMatchObject({ oldTopology: 'mesh', newTopology: 'hierarchical' });

    // The README's client waits first and votes after; two other agents decide meanwhile.
    const readmeClient = readme.readmeSwarmClient(client);
    for (const agentId of ['agent-2', 'agent-3']) {
      await new SwarmChannelClient(await connect()).submitVote('swarm-1', 'prop-1', 'yes', agentId);
    }
    // Its vote comes after the decision: refused (in the seed it went nowhere, silently).
    await expect(readmeClient).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'decided' },
    });
    const [result] = printed('Consensus result:') as { result?: { accepted: boolean } }[];
    expect(result?.result?.accepted).toBe(true);
    expect(result).toMatchObject({
      swarmId: 'swarm-1',
      proposalId: 'prop-1',
      type: 'accepted',
      result: { accepted: true, votesFor: 2, votesAgainst: 0, abstentions: 0 },
      votes: { 'agent-2': 'yes', 'agent-3': 'yes' },
      timestamp: expect.any(Number),
    });
  });
});

describe('notes: Usage Examples', () => {
  it('Agent Events: subscribeToAgent and status-change:agent-1', async () => {
    const printed = consoleOutput();
    const { router, client } = await quickStart();
    await readme.notesAgentClient(client);
    await readme.notesAgentServer(router);
    await vi.waitFor(() => expect(printed('Agent status:')).toEqual(['busy']));
  });

  it('Task Tracking: waitForCompletion(task, 30000) resolves with the completion', async () => {
    const printed = consoleOutput();
    const { router, client } = await quickStart();
    const tracking = readme.notesTaskTracking(client);
    await new TaskChannelServer(router).publishCompleted({
      taskId: 'task-123',
      status: 'completed',
      result: { files: 3 },
      timestamp: Date.now(),
    });
    await tracking;
    expect(printed('Task result:')).toEqual([
      expect.objectContaining({ taskId: 'task-123', status: 'completed', result: { files: 3 } }),
    ]);
  });

  it('Consensus Voting: submitVote as agent-1, then waitForConsensus: result.result?.accepted', async () => {
    const printed = consoleOutput();
    // The notes' Basic Server & Client: no authenticate (anonymous on loopback), token 'test'.
    const { router, client } = await quickStart({}, 'test');
    const swarmServer = new SwarmChannelServer(router);
    cleanup.push(async () => swarmServer.close());
    await swarmServer.publishAgentJoined({ swarmId: 'swarm-1', agentId: 'agent-1' });
    await swarmServer.publishConsensus({
      swarmId: 'swarm-1',
      proposalId: 'proposal-1',
      type: 'proposed',
      proposal: { action: 'scale-up' },
      timestamp: Date.now(),
    });
    await readme.notesConsensusVoting(client);
    expect(printed('Consensus:')).toEqual([true]);
  });
});

describe('notes: Integration with claude-flow', () => {
  it('agents report status, coordinators publish topology, executors report progress', async () => {
    const { router, client, connect } = await quickStart();
    const agents = new AgentChannelClient(await connect());
    const tasks = new TaskChannelClient(await connect());
    const swarms = new SwarmChannelClient(await connect());
    await agents.subscribeToAgent('agent-7');
    await tasks.subscribeToTask('task-7');
    await swarms.subscribeToSwarm('swarm-7');
    const status = new Promise((resolve) => agents.once('status-change:agent-7', resolve));
    const progress = new Promise((resolve) => tasks.once('progress:task-7', resolve));
    const topology = new Promise((resolve) => swarms.once('topology-change:swarm-7', resolve));

    await readme.notesWithAgents(client, { id: 'agent-7' });
    const swarmServer = await readme.notesWithSwarm(router, { id: 'swarm-7' });
    cleanup.push(async () => swarmServer.close());
    await readme.notesWithTaskSystem(client, { id: 'task-7' });

    expect(await status).toMatchObject({ status: 'busy', timestamp: expect.any(Number) });
    expect(await topology).toMatchObject({ oldTopology: 'mesh', newTopology: 'hierarchical' });
    expect(await progress).toMatchObject({ progress: 50, status: 'in-progress' });
  });
});

describe('notes: the channel features listed', () => {
  it('metrics streaming and log streaming (agent channel)', async () => {
    const { router, client, connect } = await quickStart();
    const dashboard = new AgentChannelClient(await connect());
    await dashboard.subscribeAll();
    const metrics = new Promise((resolve) => dashboard.once('metrics', resolve));
    const logs = new Promise((resolve) => dashboard.once('logs:agent-1', resolve));
    await new AgentChannelServer(router).publishMetrics({
      agentId: 'agent-1',
      metrics: { responseTime: 12, throughput: 300, errorRate: 0 },
      timestamp: Date.now(),
    });
    const stream = new AgentChannelClient(client).createLogStream('agent-1');
    stream.write('compiling...');
    await stream.close();
    expect(await metrics).toMatchObject({ metrics: { responseTime: 12, throughput: 300 } });
    expect(await logs).toMatchObject({ lines: [{ text: 'compiling...', seq: 1 }] });
  });

  it('task creation and assignment events, and error notifications', async () => {
    const { router, connect } = await quickStart();
    const tasks = new TaskChannelClient(await connect());
    await tasks.subscribeAll();
    const seen: unknown[] = [];
    for (const kind of ['created', 'assigned', 'failed'] as const) {
      tasks.on(kind, (event: unknown) => seen.push(event));
    }
    const server = new TaskChannelServer(router);
    await server.publishCreated({
      taskId: 'task-1',
      type: 'code-review',
      priority: 1,
      timestamp: 1,
    });
    await server.publishAssigned({ taskId: 'task-1', agentId: 'agent-1', timestamp: 2 });
    await server.publishFailed({ taskId: 'task-1', error: 'disk full', retryable: true });
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    expect(seen).toEqual([
      expect.objectContaining({ type: 'code-review', priority: 1, timestamp: 1 }),
      expect.objectContaining({ agentId: 'agent-1', timestamp: 2 }),
      expect.objectContaining({ error: 'disk full', retryable: true }),
    ]);
  });

  it('agent joined events and coordination events (swarm channel)', async () => {
    const { router, connect } = await quickStart();
    const swarms = new SwarmChannelClient(await connect());
    await swarms.subscribeToSwarm('swarm-1');
    const joined = new Promise((resolve) => swarms.once('agent-joined', resolve));
    const coordination = new Promise((resolve) => swarms.once('coordination:swarm-1', resolve));
    const swarmServer = new SwarmChannelServer(router);
    cleanup.push(async () => swarmServer.close());
    await swarmServer.publishAgentJoined({
      swarmId: 'swarm-1',
      agentId: 'agent-1',
      role: 'coder',
      timestamp: Date.now(),
    });
    await swarmServer.publishCoordination({
      swarmId: 'swarm-1',
      type: 'workload-balance',
      data: { moved: 2 },
      timestamp: Date.now(),
    });
    expect(await joined).toMatchObject({ agentId: 'agent-1', role: 'coder' });
    expect(await coordination).toMatchObject({ type: 'workload-balance', data: { moved: 2 } });
  });
});
