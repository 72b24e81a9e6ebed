import type { HubRouteDefinition, HubRoutingRouter } from '@switchboard/channels-core';
import { ErrorCode } from '@switchboard/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SwarmChannelServer } from './swarm-channel-server.ts';

/** A router that records publishes and routes, for tests that need fake timers. */
function fakeRouter() {
  const published: { topic: string; data: unknown }[] = [];
  const routes = new Map<string, HubRouteDefinition>();
  const router: HubRoutingRouter = {
    publish: async (topic, data) => {
      published.push({ topic, data });
      return { offset: published.length, sequenceNumber: 1, epoch: 'e' };
    },
    route: (definition) => {
      routes.set(definition.method, definition);
      return () => routes.delete(definition.method);
    },
  };
  const vote = (id: string, data: unknown) =>
    routes.get('swarm.vote')!.handler(data, { principal: { id } }) as Promise<unknown>;
  return { router, published, routes, vote };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SwarmChannelServer deadlines (fake timers)', () => {
  it('publishes no-quorum at the deadline, once', async () => {
    vi.useFakeTimers();
    const { router, published, vote } = fakeRouter();
    const swarm = new SwarmChannelServer(router);
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'x',
      voters: ['a', 'b', 'c'],
      deadlineMs: 1000,
    });
    await vote('a', { swarmId: 's1', proposalId: 'p1', choice: 'approve' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(published.map((p) => p.topic)).toEqual([
      'swarm.s1.proposal.p1',
      'swarm.s1.consensus.p1',
    ]);
    expect(published[1]!.data).toMatchObject({
      outcome: 'no-quorum',
      reason: 'deadline',
      tally: { approve: 1, reject: 0 },
      votes: { a: 'approve' },
    });
    await expect(
      vote('b', { swarmId: 's1', proposalId: 'p1', choice: 'approve' }),
    ).rejects.toMatchObject({ code: ErrorCode.TIMEOUT, details: { reason: 'deadline-passed' } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(published).toHaveLength(2);
    swarm.close();
  });

  it('close() clears the timers and removes the vote route: nothing is published after', async () => {
    vi.useFakeTimers();
    const { router, published, routes } = fakeRouter();
    const swarm = new SwarmChannelServer(router);
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'x',
      voters: ['a'],
      deadlineMs: 1000,
    });
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p2',
      subject: 'y',
      voters: ['a'],
      deadlineMs: 5000,
    });
    expect(vi.getTimerCount()).toBe(2);
    swarm.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(routes.size).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(published.map((p) => p.topic)).toEqual(['swarm.s1.proposal.p1', 'swarm.s1.proposal.p2']);
    await expect(
      swarm.propose({ swarmId: 's1', subject: 'z', voters: ['a'] }),
    ).rejects.toMatchObject({ code: ErrorCode.SERVER_SHUTTING_DOWN });
  });

  it('a decision clears its timer', async () => {
    vi.useFakeTimers();
    const { router, vote } = fakeRouter();
    const swarm = new SwarmChannelServer(router);
    await swarm.propose({ swarmId: 's1', proposalId: 'p1', subject: 'x', voters: ['a'] });
    expect(vi.getTimerCount()).toBe(1);
    await vote('a', { swarmId: 's1', proposalId: 'p1', choice: 'approve' });
    expect(vi.getTimerCount()).toBe(0);
    expect(swarm.getProposal('s1', 'p1')?.result).toMatchObject({ outcome: 'approved' });
    swarm.close();
  });
});

describe('SwarmChannelServer input checks', () => {
  it('refuses bad proposals, naming the field', async () => {
    const { router } = fakeRouter();
    const swarm = new SwarmChannelServer(router);
    const base = { swarmId: 's1', subject: 'x', voters: ['a'] };
    await expect(swarm.propose({ ...base, voters: [] })).rejects.toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'voters' },
    });
    await expect(swarm.propose({ ...base, voters: ['a', 'a'] })).rejects.toMatchObject({
      details: { field: 'voters' },
    });
    await expect(swarm.propose({ ...base, quorum: { rule: 'threshold' } })).rejects.toMatchObject({
      details: { field: 'quorum.threshold' },
    });
    await expect(
      swarm.propose({ ...base, quorum: { rule: 'threshold', threshold: 2 } }),
    ).rejects.toMatchObject({ details: { field: 'quorum.threshold' } });
    await expect(swarm.propose({ ...base, choices: ['only'] })).rejects.toMatchObject({
      details: { field: 'choices' },
    });
    await expect(swarm.propose({ ...base, swarmId: 's.1' })).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
      details: { field: 'swarmId' },
    });
    await expect(swarm.propose({ ...base, proposalId: 'p 1' })).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
      details: { field: 'proposalId' },
    });
    await expect(swarm.propose({ ...base, deadline: Date.now() - 1 })).rejects.toMatchObject({
      details: { field: 'deadline' },
    });
    await expect(swarm.propose({ ...base, deadline: 1, deadlineMs: 1 })).rejects.toThrow(TypeError);
    await swarm.propose({ ...base, proposalId: 'p1' });
    await expect(swarm.propose({ ...base, proposalId: 'p1' })).rejects.toMatchObject({
      details: { field: 'proposalId' },
    });
    await expect(
      swarm.publishTopologyChange({ swarmId: 's1', topology: 'blob' as 'mesh', agents: [] }),
    ).rejects.toMatchObject({ details: { field: 'topology' } });
    swarm.close();
  });

  it('refuses bad or unknown options with a TypeError naming them', () => {
    const { router } = fakeRouter();
    // A default deadline setTimeout cannot honour would make every propose() fail later.
    expect(() => new SwarmChannelServer(router, { defaultDeadlineMs: 2 ** 31 })).toThrow(
      new TypeError(
        'SwarmChannelServer option "defaultDeadlineMs" must be a number from 1 to 2147483647, got 2147483648',
      ),
    );
    expect(() => new SwarmChannelServer(router, { maxClosedProposals: 0 })).toThrow(
      /"maxClosedProposals" must be an integer >= 1/,
    );
    expect(() => new SwarmChannelServer(router, { swarmOf: 's1' as never })).toThrow(
      /"swarmOf" must be a function/,
    );
    expect(() => new SwarmChannelServer(router, { deadlineMs: 5 } as never)).toThrow(
      /SwarmChannelServer: unknown option "deadlineMs"/,
    );
  });

  it('needs a router with route()', () => {
    expect(
      () =>
        new SwarmChannelServer({
          publish: async () => ({ offset: 1, sequenceNumber: 1, epoch: 'e' }),
        } as never),
    ).toThrow(/route/);
  });
});
