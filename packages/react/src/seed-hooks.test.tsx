// @vitest-environment happy-dom
import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { hubPerTest } from '../test/hub-per-test.ts';
import { SwitchboardProvider } from './provider.tsx';
import type { TopicEvent } from './topic-view.ts';
import { type RealtimeEvents, useRealtimeEvents, useRealtimeMetrics } from './use-realtime.ts';
import { type UseWebSocketResult, useWebSocket } from './use-web-socket.ts';

const received: number[] = [];
let socket: UseWebSocketResult<{ n: number }> | undefined;
function Feed() {
  socket = useWebSocket<{ n: number }>({
    channels: ['global'],
    onEvent: (event) => received.push(event.data.n),
  });
  return <div data-testid="feed">{`${socket.connected} ${socket.lastMessage?.data.n ?? '-'}`}</div>;
}

function Kpis() {
  const { metrics, connected } = useRealtimeMetrics<{ active_agents: number }>();
  return <div data-testid="kpi">{`${connected} ${metrics?.active_agents ?? '-'}`}</div>;
}
function Custom() {
  const { metrics } = useRealtimeMetrics<{ n: number }>({ topic: 'kpi.custom' });
  return <div data-testid="custom">{metrics?.n ?? '-'}</div>;
}

let live: RealtimeEvents<{ level: string }> | undefined;
const errorsOnly = (event: TopicEvent<{ level: string }>) => event.data.level === 'error';
function Live({ filtered }: { filtered: boolean }) {
  live = useRealtimeEvents<{ level: string }>(['task.#', 'agent.#'], {
    limit: 3,
    ...(filtered ? { filter: errorsOnly } : {}),
  });
  return <div data-testid="live">{live.events.map((event) => event.topic).join(' ')}</div>;
}

describe('the seed dashboard hooks', () => {
  const t = hubPerTest();

  const wrap = (children: React.ReactNode) =>
    render(
      <StrictMode>
        <SwitchboardProvider client={t.client}>{children}</SwitchboardProvider>
      </StrictMode>,
    );

  it('useWebSocket: connected, onEvent once per event, lastMessage, send as publish and raw frame', async () => {
    received.length = 0;
    wrap(<Feed />);
    await waitFor(() =>
      expect(t.hub.router.getSubscriptions(t.client.connectionId!)).toContain('global'),
    );
    expect(screen.getByTestId('feed').textContent).toBe('true -');
    const result = await socket!.send('global', { n: 1 });
    expect(result.sequenceNumber).toBe(1);
    expect(socket!.send({ type: 'publish', topic: 'global', data: { n: 2 } })).toBe(true);
    await waitFor(() => expect(screen.getByTestId('feed').textContent).toBe('true 2'));
    expect(received).toEqual([1, 2]);
    expect(t.hub.subscribes.get('global')).toBe(1);
  });

  it("useRealtimeMetrics: the retained snapshot of '$metrics' at once, then each new one", async () => {
    await t.hub.router.publish('$metrics', { active_agents: 3 });
    wrap(
      <>
        <Kpis />
        <Custom />
      </>,
    );
    await waitFor(() => expect(screen.getByTestId('kpi').textContent).toBe('true 3'));
    await t.hub.router.publish('$metrics', { active_agents: 4 });
    await t.hub.router.publish('kpi.custom', { n: 9 });
    await waitFor(() => expect(screen.getByTestId('kpi').textContent).toBe('true 4'));
    await waitFor(() => expect(screen.getByTestId('custom').textContent).toBe('9'));
  });

  it('useRealtimeEvents: a bounded list, filtered when rendering, that can be cleared', async () => {
    const view = wrap(<Live filtered={false} />);
    await waitFor(() => expect(t.client.subscriptions.size).toBe(2));
    await waitFor(() =>
      expect(t.hub.router.getSubscriptions(t.client.connectionId!)).toHaveLength(2),
    );
    const levels = ['info', 'error', 'info', 'error'];
    for (const [i, level] of levels.entries()) {
      await t.hub.router.publish(i % 2 === 0 ? `task.${i}` : `agent.${i}`, { level });
    }
    await waitFor(() =>
      expect(screen.getByTestId('live').textContent).toBe('agent.1 task.2 agent.3'),
    );
    view.rerender(
      <StrictMode>
        <SwitchboardProvider client={t.client}>
          <Live filtered />
        </SwitchboardProvider>
      </StrictMode>,
    );
    expect(screen.getByTestId('live').textContent).toBe('agent.1 agent.3');
    expect(live!.total).toBe(3);
    act(() => live!.clear());
    expect(screen.getByTestId('live').textContent).toBe('');
    expect(t.hub.subscribes.get('task.#')).toBe(1);
  });
});
