import { describe, expect, it } from 'vitest';
import { DashboardState, type HubEvent, isAgentOffline } from './state.ts';

let offset = 0;
const sequences = new Map<string, number>();

function event(topic: string, data: unknown, extra: Partial<HubEvent> = {}): HubEvent {
  offset += 1;
  const sequenceNumber = (sequences.get(topic) ?? 0) + 1;
  sequences.set(topic, sequenceNumber);
  return { topic, data, sequenceNumber, offset, epoch: 'e1', timestamp: 1_000 + offset, ...extra };
}

describe('DashboardState', () => {
  it('folds agent, task and swarm events into views', () => {
    const state = new DashboardState();
    state.apply(event('agent.ada.status', { agentId: 'ada', status: 'idle', at: 1 }));
    state.apply(event('agent.ada.health', { agentId: 'ada', healthy: true, cpu: 12.4, at: 1 }));
    state.apply(event('task.t-1.created', { taskId: 't-1', title: 'Index', at: 1 }));
    state.apply(event('task.t-1.assigned', { taskId: 't-1', agentId: 'ada', at: 1 }));
    state.apply(event('agent.ada.status', { agentId: 'ada', status: 'busy', at: 2 }));
    state.apply(event('task.t-1.progress', { taskId: 't-1', percent: 40, message: 'go', at: 2 }));
    state.apply(
      event('swarm.alpha.proposal.p-1', {
        swarmId: 'alpha',
        proposalId: 'p-1',
        subject: 'Switch?',
        choices: ['ring', 'mesh'],
        quorum: { rule: 'majority' },
        voters: ['ada', 'bob'],
        deadline: 5_000,
        at: 3,
      }),
    );
    state.apply(
      event('swarm.alpha.consensus.p-1', {
        swarmId: 'alpha',
        proposalId: 'p-1',
        outcome: 'approved',
        winner: 'ring',
        tally: { ring: 2, mesh: 0 },
        votes: { ada: 'ring', bob: 'ring' },
        decidedAt: 4,
        reason: 'all voted',
      }),
    );

    state.apply(
      event('swarm.alpha.presence', { swarmId: 'alpha', agentId: 'bob', event: 'left', at: 5 }),
    );

    expect(state.agents.get('ada')).toMatchObject({ status: 'busy', healthy: true, task: 't-1' });
    expect(state.agents.get('bob')).toMatchObject({ present: false });
    expect(state.presence).toEqual([
      { agentId: 'bob', event: 'left', reason: undefined, at: expect.any(Number) },
    ]);
    expect(state.tasks.get('t-1')).toMatchObject({
      title: 'Index',
      state: 'running',
      percent: 40,
      agentId: 'ada',
      attempts: 1,
    });
    expect(state.rounds.get('p-1')).toMatchObject({
      subject: 'Switch?',
      outcome: 'approved',
      winner: 'ring',
      tally: { ring: 2, mesh: 0 },
      votes: { ada: 'ring', bob: 'ring' },
      quorum: 'majority',
    });
    expect(state.stream.at(-2)?.text).toBe('consensus p-1 approved: ring (ring 2, mesh 0)');
  });

  it('does not apply a replayed event twice, and starts over on a new epoch', () => {
    const state = new DashboardState();
    const progress = event('task.t-2.progress', { taskId: 't-2', percent: 10, at: 1 });
    expect(state.apply(progress)).toBe(true);
    expect(state.apply({ ...progress, replay: true })).toBe(false);
    expect(state.stream).toHaveLength(1);

    const restarted = { ...progress, epoch: 'e2', offset: 1, sequenceNumber: 1, replay: true };
    expect(state.apply(restarted)).toBe(true);
    expect(state.epoch).toBe('e2');
    expect(state.tasks.size).toBe(1);
  });

  it('a retry resets the progress and counts the attempt', () => {
    const state = new DashboardState();
    state.apply(event('task.t-3.assigned', { taskId: 't-3', agentId: 'ada', at: 1 }));
    state.apply(event('task.t-3.progress', { taskId: 't-3', percent: 60, at: 1 }));
    state.apply(event('task.t-3.failed', { taskId: 't-3', error: 'boom', retryable: true, at: 2 }));
    expect(state.tasks.get('t-3')).toMatchObject({ state: 'failed', error: 'boom' });
    state.apply(event('task.t-3.assigned', { taskId: 't-3', agentId: 'bob', at: 3 }));
    expect(state.tasks.get('t-3')).toMatchObject({
      state: 'assigned',
      percent: 0,
      agentId: 'bob',
      attempts: 2,
    });
    // A late report from the previous holder does not undo the new attempt.
    state.apply(event('task.t-3.failed', { taskId: 't-3', agentId: 'ada', error: 'left', at: 4 }));
    expect(state.tasks.get('t-3')).toMatchObject({ state: 'assigned', agentId: 'bob' });
    state.apply(event('task.t-3.progress', { taskId: 't-3', agentId: 'bob', percent: 5, at: 5 }));
    expect(state.tasks.get('t-3')).toMatchObject({ state: 'running', percent: 5 });
  });

  it('keeps malformed payloads out of the views but lists them', () => {
    const state = new DashboardState();
    state.apply(event('agent.eve.status', { status: 'dancing' }));
    state.apply(event('task.t-4.progress', 'not an object'));
    expect(state.agents.get('eve')?.status).toBe('unknown');
    expect(state.tasks.has('t-4')).toBe(false);
    expect(state.stream.map((item) => item.topic)).toEqual([
      'agent.eve.status',
      'task.t-4.progress',
    ]);
  });

  it('bounds the stream and the finished tasks, and filters by topic', () => {
    const state = new DashboardState({ stream: 5, finishedTasks: 2 });
    for (let i = 0; i < 4; i += 1) {
      state.apply(event(`task.f-${i}.completed`, { taskId: `f-${i}`, at: i }));
    }
    state.apply(event('agent.ada.status', { agentId: 'ada', status: 'idle', at: 9 }));
    state.apply(event('agent.ada.status', { agentId: 'ada', status: 'busy', at: 10 }));
    expect(state.stream).toHaveLength(5);
    expect([...state.tasks.keys()]).toEqual(['f-2', 'f-3']);
    expect(state.filteredStream('STATUS').map((item) => item.text)).toEqual([
      'ada: idle → busy',
      'ada: idle',
    ]);
  });

  it('an agent that goes offline loses its last health and metrics (no stale "healthy · cpu 63%")', () => {
    const state = new DashboardState();
    state.apply(event('agent.ada.status', { agentId: 'ada', status: 'idle' }));
    state.apply(event('agent.ada.health', { agentId: 'ada', healthy: true, cpu: 63 }));
    state.apply(event('agent.ada.metrics', { agentId: 'ada', metrics: { tasksDone: 4 } }));
    state.apply(event('agent.ada.status', { agentId: 'ada', status: 'offline', reason: 'bye' }));
    const ada = state.agents.get('ada')!;
    expect(isAgentOffline(ada)).toBe(true);
    expect(ada).toMatchObject({ healthy: undefined, cpu: undefined, metrics: {} });
    expect(ada.offlineSince).toEqual(expect.any(Number));
    // Back: online again, and health unknown until it reports.
    state.apply(event('agent.ada.status', { agentId: 'ada', status: 'idle' }));
    state.apply(
      event('swarm.alpha.presence', { swarmId: 'alpha', agentId: 'ada', event: 'joined' }),
    );
    expect(isAgentOffline(state.agents.get('ada')!)).toBe(false);
    expect(state.agents.get('ada')).toMatchObject({ healthy: undefined, offlineSince: undefined });
  });

  it('presence "left" (the hub saw the connection go) also marks the agent offline and clears its health', () => {
    const state = new DashboardState();
    state.apply(event('agent.bob.status', { agentId: 'bob', status: 'busy' }));
    state.apply(event('agent.bob.health', { agentId: 'bob', healthy: true, cpu: 63 }));
    state.apply(event('swarm.alpha.presence', { swarmId: 'alpha', agentId: 'bob', event: 'left' }));
    const bob = state.agents.get('bob')!;
    expect(isAgentOffline(bob)).toBe(true);
    expect(bob.healthy).toBeUndefined();
    expect(bob.cpu).toBeUndefined();
  });
});
