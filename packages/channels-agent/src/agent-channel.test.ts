import { ErrorCode, type SwitchboardError } from '@switchboard/protocol';
import { collect, harness } from '@switchboard/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentChannelClient } from './agent-channel-client.ts';
import { AgentChannelServer } from './agent-channel-server.ts';
import type { AgentLogsEvent, AgentStatusEvent } from './schemas.ts';

const h = harness();
afterEach(() => h.closeAll());

function nextError(channel: AgentChannelClient): Promise<SwitchboardError> {
  return new Promise((resolve) => channel.once('error', resolve));
}

describe('AgentChannelServer -> AgentChannelClient', () => {
  it('round-trips status, health, metrics and logs through the hub', async () => {
    const hub = await h.start();
    const server = new AgentChannelServer(hub.router);
    const dashboard = new AgentChannelClient(await h.connect(hub, 'coordinator'));
    await dashboard.subscribeAll();

    const status = new Promise<[AgentStatusEvent, string]>((resolve) =>
      dashboard.once('status-change', (event, meta) => resolve([event, meta.topic])),
    );
    const perAgent = new Promise<AgentStatusEvent>((resolve) =>
      dashboard.once('status-change:agent-1', resolve),
    );
    const health = new Promise((resolve) => dashboard.once('health-update', resolve));
    const metrics = new Promise((resolve) => dashboard.once('metrics', resolve));
    const logs = new Promise((resolve) => dashboard.once('logs:agent-1', resolve));

    await server.publishStatusChange({ agentId: 'agent-1', status: 'busy', reason: 'task t1' });
    await server.publishHealthUpdate({ agentId: 'agent-1', healthy: true, cpu: 12.5, at: 5 });
    await server.publishMetrics({ agentId: 'agent-1', metrics: { tokens: 42 }, at: 6 });
    await server.publishLogs({
      agentId: 'agent-1',
      lines: [{ seq: 1, stream: 'stderr', text: 'boom', at: 7 }],
      dropped: 0,
      at: 7,
    });

    const [event, topic] = await status;
    expect(topic).toBe('agent.agent-1.status');
    expect(event).toMatchObject({ agentId: 'agent-1', status: 'busy', reason: 'task t1' });
    expect(typeof event.at).toBe('number');
    expect(await perAgent).toEqual(event);
    // `timestamp` and `metrics.cpu` are the seed API's names for `at` and `cpu`: both travel.
    expect(await health).toEqual({
      agentId: 'agent-1',
      healthy: true,
      cpu: 12.5,
      metrics: { cpu: 12.5 },
      at: 5,
      timestamp: 5,
    });
    expect(await metrics).toEqual({
      agentId: 'agent-1',
      metrics: { tokens: 42 },
      at: 6,
      timestamp: 6,
    });
    expect(await logs).toEqual({
      agentId: 'agent-1',
      lines: [{ seq: 1, stream: 'stderr', text: 'boom', at: 7 }],
      dropped: 0,
      at: 7,
      timestamp: 7,
    });
  });

  it('fills in `previous` from the last status published', async () => {
    const hub = await h.start();
    const server = new AgentChannelServer(hub.router);
    const dashboard = new AgentChannelClient(await h.connect(hub, 'coordinator'));
    await dashboard.subscribeToAgent('agent-1', { kinds: ['status'] });
    const events = collect<AgentStatusEvent>((push) => dashboard.listen('status-change', push), 2);
    await server.publishStatusChange({ agentId: 'agent-1', status: 'starting' });
    await server.publishStatusChange({ agentId: 'agent-1', status: 'idle' });
    expect((await events).map((e) => [e.previous, e.status])).toEqual([
      [undefined, 'starting'],
      ['starting', 'idle'],
    ]);
  });

  it('rejects invalid payloads and ids before sending, naming the field', async () => {
    const hub = await h.start();
    const server = new AgentChannelServer(hub.router);
    const agent = new AgentChannelClient(await h.connect(hub, 'agent-1'));
    await expect(
      server.publishStatusChange({ agentId: 'agent-1', status: 'sleeping' as 'idle' }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'status' } });
    await expect(
      agent.reportHealth({ agentId: 'agent-1', healthy: true, cpu: -1 }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'cpu' } });
    await expect(
      agent.reportMetrics({ agentId: 'agent-1', metrics: { x: Number.NaN } }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'metrics.x' } });
    await expect(agent.reportStatus({ agentId: 'a.b', status: 'idle' })).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
      details: { field: 'agentId' },
    });
    await expect(agent.subscribeToAgent('a*')).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
      details: { field: 'agentId' },
    });
    expect(() => agent.createLogStream('')).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_TOPIC }),
    );
  });

  it('drops invalid events on receive and emits error naming the field', async () => {
    const hub = await h.start();
    const dashboard = new AgentChannelClient(await h.connect(hub, 'coordinator'));
    await dashboard.subscribeAll();
    const statuses: AgentStatusEvent[] = [];
    dashboard.on('status-change', (event) => statuses.push(event));

    const invalid = nextError(dashboard);
    await hub.router.publish('agent.agent-1.status', { agentId: 'agent-1', status: 'nope', at: 1 });
    expect(await invalid).toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'status', topic: 'agent.agent-1.status' },
    });

    const mismatched = nextError(dashboard);
    await hub.router.publish('agent.agent-1.status', { agentId: 'agent-2', status: 'idle', at: 1 });
    expect(await mismatched).toMatchObject({ details: { field: 'agentId' } });

    // A valid event afterwards still arrives: nothing was emitted for the two above.
    const valid = new Promise((resolve) => dashboard.once('status-change', resolve));
    await hub.router.publish('agent.agent-1.status', { agentId: 'agent-1', status: 'idle', at: 1 });
    await valid;
    expect(statuses.map((e) => e.status)).toEqual(['idle']);
  });
});

describe('AgentChannelClient options', () => {
  it('refuses a bad or unknown option with a TypeError naming it', async () => {
    const hub = await h.start();
    const client = await h.connect(hub, 'coordinator');
    expect(() => new AgentChannelClient(client, { maxTrackedTopics: 0 })).toThrow(
      new TypeError('AgentChannelClient option "maxTrackedTopics" must be an integer >= 1, got 0'),
    );
    expect(() => new AgentChannelClient(client, { maxTrackedTopics: 1.5 })).toThrow(TypeError);
    expect(() => new AgentChannelClient(client, { maxTracked: 5 } as never)).toThrow(
      /unknown option "maxTracked"/,
    );
    // Left out or undefined: the default.
    expect(() => new AgentChannelClient(client, { maxTrackedTopics: undefined })).not.toThrow();
  });
});

describe('agents reporting through the hub', () => {
  it('an agent reports its own status; dashboards get it once even with overlapping subscriptions', async () => {
    const hub = await h.start();
    const agent = new AgentChannelClient(await h.connect(hub, 'agent-1'));
    const dashboard = new AgentChannelClient(await h.connect(hub, 'coordinator'));
    await dashboard.subscribeAll();
    await dashboard.subscribeToAgent('agent-1');
    const all: AgentStatusEvent[] = [];
    dashboard.on('status-change', (event) => all.push(event));
    const two = collect<AgentStatusEvent>(
      (push) => dashboard.listen('status-change:agent-1', push),
      2,
    );

    await agent.reportStatus({ agentId: 'agent-1', status: 'busy' });
    await agent.reportStatus({ agentId: 'agent-1', status: 'idle', reason: 'done' });
    const events = await two;
    expect(events.map((e) => [e.previous, e.status])).toEqual([
      [undefined, 'busy'],
      ['busy', 'idle'],
    ]);
    // The hub delivers an event once per connection; the channel emits it once.
    expect(all).toEqual(events);
  });

  it('an agent may not publish as another agent (hub ACL: FORBIDDEN)', async () => {
    const hub = await h.start();
    const agent = new AgentChannelClient(await h.connect(hub, 'agent-1'));
    await expect(
      agent.reportStatus({ agentId: 'agent-2', status: 'offline' }),
    ).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    // Nor subscribe to every agent.
    await expect(agent.subscribeAll()).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });

  it('subscribe with since "last" replays current values; a repeat replay is not emitted twice', async () => {
    const hub = await h.start();
    const server = new AgentChannelServer(hub.router);
    await server.publishStatusChange({ agentId: 'agent-1', status: 'busy' });
    await server.publishStatusChange({ agentId: 'agent-2', status: 'idle' });
    const client = await h.connect(hub, 'coordinator');
    const dashboard = new AgentChannelClient(client);
    const seen: string[] = [];
    dashboard.on('status-change', (event, meta) =>
      seen.push(`${event.agentId}:${event.status}:${meta.replay}`),
    );
    await dashboard.subscribeAll({ kinds: ['status'], since: 'last' });
    expect(seen).toEqual(['agent-1:busy:true', 'agent-2:idle:true']);
    // Asking again replays the same retained values on the wire; the channel skips them.
    await dashboard.subscribeToAgent('agent-1', { kinds: ['status'], since: 'last' });
    await dashboard.subscribeAll({ kinds: ['status'], since: 'last' });
    const live = new Promise((resolve) => dashboard.once('status-change', resolve));
    await server.publishStatusChange({ agentId: 'agent-1', status: 'idle' });
    await live;
    expect(seen).toEqual(['agent-1:busy:true', 'agent-2:idle:true', 'agent-1:idle:false']);
  });

  it('close() removes its subscriptions and its listener from the client', async () => {
    const hub = await h.start();
    const client = await h.connect(hub, 'coordinator');
    await client.subscribe('agent.*.status'); // the application's own, must survive
    const listeners = client.listenerCount('event');
    const dashboard = new AgentChannelClient(client);
    await dashboard.subscribeAll();
    await dashboard.subscribeToAgent('agent-7');
    expect(client.listenerCount('event')).toBe(listeners + 1);
    expect(dashboard.getSubscribedAgents()).toEqual(['agent-7']);
    await dashboard.close();
    expect(client.listenerCount('event')).toBe(listeners);
    expect([...client.subscriptions]).toEqual(['agent.*.status']);
    expect(hub.router.getSubscriptions(client.connectionId!)).toEqual(['agent.*.status']);
  });
});

describe('log streaming through the hub', () => {
  it('delivers many lines batched, in order, without loss', async () => {
    const hub = await h.start();
    const agent = new AgentChannelClient(await h.connect(hub, 'agent-1'));
    const dashboard = new AgentChannelClient(await h.connect(hub, 'coordinator'));
    await dashboard.subscribeToAgent('agent-1', { kinds: ['logs'] });
    const batches: AgentLogsEvent[] = [];
    const total = 20_000;
    const all = new Promise<void>((resolve) =>
      dashboard.on('logs', (batch) => {
        batches.push(batch);
        if (batch.lines.at(-1)?.seq === total) resolve();
      }),
    );

    const stream = agent.createLogStream('agent-1', {
      maxBatchLines: 500,
      flushIntervalMs: 20,
      maxBufferedLines: total,
    });
    const started = performance.now();
    for (let i = 1; i <= total; i++) stream.write(`line ${i}`, i % 10 === 0 ? 'stderr' : 'stdout');
    // Writing never waits for the network.
    expect(performance.now() - started).toBeLessThan(1_000);
    await stream.close();
    await all;

    const lines = batches.flatMap((batch) => batch.lines);
    expect(lines.map((line) => line.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(lines[9]).toMatchObject({ seq: 10, stream: 'stderr', text: 'line 10' });
    expect(batches.every((batch) => batch.lines.length <= 500 && batch.dropped === 0)).toBe(true);
    // One publish per batch: the hub's sequence numbers count batches, not lines.
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(total / 500) + 5);
    expect(stream.stats()).toMatchObject({ written: total, sent: total, dropped: 0, buffered: 0 });
  });

  it('bounds the buffer: a burst beyond it drops the oldest lines and reports how many', async () => {
    const hub = await h.start();
    const agent = new AgentChannelClient(await h.connect(hub, 'agent-1'));
    const dashboard = new AgentChannelClient(await h.connect(hub, 'coordinator'));
    await dashboard.subscribeToAgent('agent-1', { kinds: ['logs'] });
    const batches = collect<AgentLogsEvent>((push) => dashboard.listen('logs', push), 2);
    const stream = agent.createLogStream('agent-1', { maxBatchLines: 500, maxBufferedLines: 1000 });
    // A synchronous burst: nothing can be sent until it ends, so only the newest 1000 remain.
    for (let i = 1; i <= 20_000; i++) stream.write(`line ${i}`);
    await stream.close();
    const [first, second] = await batches;
    expect(first!.dropped).toBe(19_000);
    expect(first!.lines.map((line) => line.seq)).toEqual(
      Array.from({ length: 500 }, (_, i) => 19_001 + i),
    );
    expect(second!.dropped).toBe(0);
    expect(second!.lines.at(-1)).toMatchObject({ seq: 20_000, text: 'line 20000' });
    expect(stream.stats()).toMatchObject({ written: 20_000, sent: 1000, dropped: 19_000 });
  });

  it('a log batch the hub refuses is counted as dropped and emitted as error', async () => {
    const hub = await h.start();
    const agent = new AgentChannelClient(await h.connect(hub, 'agent-1'));
    const error = nextError(agent);
    // agent-1 may not publish agent-2's logs.
    const stream = agent.createLogStream('agent-2', { flushIntervalMs: 1 });
    stream.write('not mine');
    await stream.flush();
    expect(await error).toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(stream.stats()).toMatchObject({ written: 1, sent: 0, dropped: 1 });
  });
});
