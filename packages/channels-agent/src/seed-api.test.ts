import { ErrorCode } from '@switchboard/protocol';
import { harness } from '@switchboard/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentChannelClient } from './agent-channel-client.ts';
import { AgentChannelServer } from './agent-channel-server.ts';
import type { AgentHealthEvent, AgentStatusEvent } from './schemas.ts';

// Calls as the seed API (`@claude-flow/realtime`) documents them, through a real hub.
const h = harness();
afterEach(() => h.closeAll());

async function setup() {
  const hub = await h.start();
  const server = new AgentChannelServer(hub.router);
  const dashboard = new AgentChannelClient(await h.connect(hub, 'coordinator'));
  await dashboard.subscribeAll();
  return { hub, server, dashboard };
}

const next = <T>(
  channel: AgentChannelClient,
  name: 'status-change' | 'health-update' | 'metrics',
) => new Promise<T>((resolve) => channel.once(name, (event: unknown) => resolve(event as T)));

describe('the seed API of the agent channel', () => {
  it('publishHealthUpdate with `metrics` and `timestamp`: subscribers get them, and `cpu` too', async () => {
    const { server, dashboard } = await setup();
    const health = next<AgentHealthEvent>(dashboard, 'health-update');
    await server.publishHealthUpdate({
      agentId: 'agent-1',
      healthy: true,
      metrics: { cpu: 50, memory: 60 },
      timestamp: 1_700_000_000_000,
    });
    const event = await health;
    // A seed-style subscriber reads `metrics` and `timestamp` ...
    expect(event.metrics).toEqual({ cpu: 50, memory: 60 });
    expect(event.timestamp).toBe(1_700_000_000_000);
    // ... a Switchboard one `cpu` and `at`.
    expect(event.cpu).toBe(50);
    expect(event.at).toBe(1_700_000_000_000);
  });

  it('status changes carry `timestamp` (also when only `at` was given) and `metadata`', async () => {
    const { server, dashboard } = await setup();
    const first = next<AgentStatusEvent>(dashboard, 'status-change');
    await server.publishStatusChange({ agentId: 'agent-1', status: 'busy', timestamp: 42 });
    expect(await first).toMatchObject({ status: 'busy', timestamp: 42, at: 42 });

    const second = next<AgentStatusEvent>(dashboard, 'status-change');
    await server.publishStatusChange({
      agentId: 'agent-1',
      status: 'error',
      at: 43,
      metadata: { event: 'error', error: 'disk full' },
    });
    expect(await second).toMatchObject({
      timestamp: 43,
      previous: 'busy',
      metadata: { event: 'error', error: 'disk full' },
    });
  });

  it('fields the channel does not know travel to subscribers (passthrough)', async () => {
    const { server, dashboard } = await setup();
    const metrics = next<Record<string, unknown>>(dashboard, 'metrics');
    await server.publishMetrics({
      agentId: 'agent-1',
      metrics: { responseTime: 12, throughput: 300 },
      timestamp: 5,
      host: 'box-3',
    });
    expect(await metrics).toMatchObject({
      metrics: { responseTime: 12, throughput: 300 },
      timestamp: 5,
      host: 'box-3',
    });
  });

  it('subscribeToAgent + on(`status-change:<id>`) + reportStatus, as the seed notes show', async () => {
    const hub = await h.start();
    const watcherClient = await h.connect(hub, 'coordinator');
    const agentClient = new AgentChannelClient(watcherClient);
    await agentClient.subscribeToAgent('agent-1');
    const status = new Promise<string>((resolve) =>
      agentClient.on('status-change:agent-1', (event) => resolve(event.status)),
    );
    const agent = new AgentChannelClient(await h.connect(hub, 'agent-1'));
    await agent.reportStatus({ agentId: 'agent-1', status: 'busy', timestamp: Date.now() });
    expect(await status).toBe('busy');
  });

  it('a seed-style event published raw (only `timestamp`) reaches Switchboard subscribers with `at`', async () => {
    const { hub, dashboard } = await setup();
    const health = next<AgentHealthEvent>(dashboard, 'health-update');
    await hub.router.publish('agent.agent-1.health', {
      agentId: 'agent-1',
      healthy: false,
      metrics: { cpu: 97, errorCount: 3 },
      timestamp: 9,
    });
    expect(await health).toMatchObject({
      at: 9,
      timestamp: 9,
      cpu: 97,
      metrics: { errorCount: 3 },
    });
  });

  it('refuses `at` and `timestamp` that disagree, naming `timestamp`', async () => {
    const { server } = await setup();
    await expect(
      server.publishStatusChange({ agentId: 'agent-1', status: 'idle', at: 1, timestamp: 2 }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'timestamp' } });
    await expect(
      server.publishHealthUpdate({ agentId: 'agent-1', healthy: true, metrics: { cpu: -5 } }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'metrics.cpu' } });
  });
});
