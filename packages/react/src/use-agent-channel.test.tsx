// @vitest-environment happy-dom
import { render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { hubPerTest } from '../test/hub-per-test.ts';
import { silenceReactErrors } from '../test/react.ts';
import { SwitchboardProvider } from './provider.tsx';
import { useAgentChannel } from './use-agent-channel.ts';

function Agents({ id, agentId }: { id: string; agentId?: string }) {
  const { agents } = useAgentChannel(agentId);
  return (
    <ul data-testid={id}>
      {agents.map((agent) => (
        <li key={agent.agentId}>
          {`${agent.agentId}:${agent.status ?? '?'}:${agent.healthy === undefined ? '?' : agent.cpu}`}
        </li>
      ))}
    </ul>
  );
}

describe('useAgentChannel', () => {
  const t = hubPerTest();

  const items = (id: string) =>
    Array.from(screen.getByTestId(id).querySelectorAll('li'), (li) => li.textContent);

  it('shows the retained status of every agent at once, then live changes, with one subscribe', async () => {
    await t.hub.agents.publishStatusChange({ agentId: 'a1', status: 'idle' });
    await t.hub.agents.publishHealthUpdate({ agentId: 'a1', healthy: true, cpu: 12 });
    render(
      <StrictMode>
        <SwitchboardProvider client={t.client}>
          <Agents id="all" />
          <Agents id="all-again" />
          <Agents id="a2" agentId="a2" />
        </SwitchboardProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(items('all')).toEqual(['a1:idle:12']));
    await t.hub.agents.publishStatusChange({ agentId: 'a2', status: 'busy' });
    await waitFor(() => expect(items('all')).toEqual(['a1:idle:12', 'a2:busy:?']));
    expect(items('all-again')).toEqual(items('all'));
    expect(items('a2')).toEqual(['a2:busy:?']);
    await t.hub.agents.publishStatusChange({ agentId: 'a1', status: 'offline' });
    await waitFor(() => expect(items('all')[0]).toBe('a1:offline:12'));
    expect(t.hub.subscribes.get('agent.*.status')).toBe(1);
    expect(t.hub.subscribes.get('agent.*.health')).toBe(1);
    expect(t.hub.subscribes.get('agent.a2.status')).toBe(1);
  });

  it('unsubscribes when the last component leaves', async () => {
    const view = render(
      <SwitchboardProvider client={t.client}>
        <Agents id="all" />
      </SwitchboardProvider>,
    );
    await waitFor(() => expect(t.client.subscriptions.has('agent.*.status')).toBe(true));
    view.unmount();
    await waitFor(() => expect(t.hub.unsubscribes.get('agent.*.status')).toBe(1));
    expect(t.client.subscriptions.has('agent.*.status')).toBe(false);
  });

  it('refuses an agent id that is not one topic segment', () => {
    const quiet = silenceReactErrors();
    try {
      expect(() =>
        render(
          <SwitchboardProvider client={t.client}>
            <Agents id="bad" agentId="a.b" />
          </SwitchboardProvider>,
        ),
      ).toThrow(expect.objectContaining({ code: 'INVALID_TOPIC' }));
    } finally {
      quiet();
    }
  });
});
