// @vitest-environment happy-dom
import { AgentChannelClient } from '@switchboard/channels-agent';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { hubClient } from '../test/hub.ts';
import { hubPerTest } from '../test/hub-per-test.ts';
import { silenceReactErrors } from '../test/react.ts';
import { SwitchboardProvider } from './provider.tsx';
import { topicRegistry } from './topic-registry.ts';
import { type UseTopicOptions, useTopic } from './use-topic.ts';

function Events({ id, pattern, ...options }: { id: string; pattern: string } & UseTopicOptions) {
  const { latest, events, error } = useTopic<{ n: number }>(pattern, options);
  return (
    <div data-testid={id} data-latest={latest?.data.n ?? ''} data-error={error?.code ?? ''}>
      {events.map((event) => event.data.n).join(',')}
    </div>
  );
}

describe('useTopic', () => {
  const t = hubPerTest();

  const publish = (topic: string, n: number) => t.hub.router.publish(topic, { n });
  const text = (id: string) => screen.getByTestId(id).textContent;

  it('sends one subscribe under StrictMode and delivers the latest events, bounded by limit', async () => {
    render(
      <StrictMode>
        <SwitchboardProvider client={t.client}>
          <Events id="a" pattern="demo.*" limit={3} />
        </SwitchboardProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(t.client.subscriptions.has('demo.*')).toBe(true));
    await waitFor(() =>
      expect(t.hub.router.getSubscriptions(t.client.connectionId!)).toContain('demo.*'),
    );
    for (let n = 1; n <= 5; n++) await publish(`demo.${n % 2}`, n);
    await waitFor(() => expect(text('a')).toBe('3,4,5'));
    expect(screen.getByTestId('a').dataset.latest).toBe('5');
    expect(t.hub.subscribes.get('demo.*')).toBe(1);
    expect(t.hub.unsubscribes.get('demo.*')).toBeUndefined();
  });

  it('shares one subscription between components and unsubscribes after the last one leaves', async () => {
    const page = (shown: { a: boolean; b: boolean }) => (
      <StrictMode>
        <SwitchboardProvider client={t.client}>
          {shown.a && <Events id="a" pattern="demo.#" limit={10} />}
          {shown.b && <Events id="b" pattern="demo.#" limit={10} />}
        </SwitchboardProvider>
      </StrictMode>
    );
    const view = render(page({ a: true, b: true }));
    await waitFor(() =>
      expect(t.hub.router.getSubscriptions(t.client.connectionId!)).toContain('demo.#'),
    );
    await publish('demo.x', 1);
    await waitFor(() => expect([text('a'), text('b')]).toEqual(['1', '1']));
    expect(topicRegistry(t.client).holders('demo.#')).toBe(2);

    view.rerender(page({ a: false, b: true }));
    await publish('demo.x', 2);
    await waitFor(() => expect(text('b')).toBe('1,2'));
    expect(t.client.subscriptions.has('demo.#')).toBe(true);
    expect(t.hub.unsubscribes.get('demo.#')).toBeUndefined();

    view.rerender(page({ a: false, b: false }));
    await waitFor(() => expect(t.hub.unsubscribes.get('demo.#')).toBe(1));
    expect(t.client.subscriptions.has('demo.#')).toBe(false);
    expect(t.hub.subscribes.get('demo.#')).toBe(1);
  });

  it("gives a late joiner with since: 'last' the last event per topic of the shared subscription", async () => {
    const page = (late: boolean) => (
      <StrictMode>
        <SwitchboardProvider client={t.client}>
          <Events id="first" pattern="demo.*" since="last" />
          {late && <Events id="late" pattern="demo.*" since="last" limit={5} />}
        </SwitchboardProvider>
      </StrictMode>
    );
    const view = render(page(false));
    await waitFor(() =>
      expect(t.hub.router.getSubscriptions(t.client.connectionId!)).toContain('demo.*'),
    );
    await publish('demo.a', 1);
    await publish('demo.b', 2);
    await publish('demo.a', 3);
    await waitFor(() => expect(screen.getByTestId('first').dataset.latest).toBe('3'));
    // StrictMode hands the backlog to the late joiner twice; it takes it once.
    view.rerender(page(true));
    await waitFor(() => expect(text('late')).toBe('2,3'));
    expect(t.hub.subscribes.get('demo.*')).toBe(1);
  });

  it('drops a replay of an event already delivered on that topic', async () => {
    render(
      <SwitchboardProvider client={t.client}>
        <Events id="a" pattern="demo.*" limit={5} />
      </SwitchboardProvider>,
    );
    await waitFor(() =>
      expect(t.hub.router.getSubscriptions(t.client.connectionId!)).toContain('demo.*'),
    );
    await publish('demo.a', 1);
    await waitFor(() => expect(text('a')).toBe('1'));
    // Another user of the t.client asks for the retained values again: the t.hub replays them.
    const outcomes = await t.client.subscribe('demo.*', { since: 'last' });
    expect(outcomes[0]?.replayed).toBe(1);
    await publish('demo.a', 2);
    await waitFor(() => expect(text('a')).toBe('1,2'));
  });

  it('subscribes on the next connect when it mounted while the client was closed', async () => {
    await t.client.disconnect();
    render(
      <SwitchboardProvider client={t.client}>
        <Events id="a" pattern="demo.#" />
      </SwitchboardProvider>,
    );
    await waitFor(() => expect(topicRegistry(t.client).holders('demo.#')).toBe(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(screen.getByTestId('a').dataset.error).toBe('');
    await t.client.connect();
    await waitFor(() =>
      expect(t.hub.router.getSubscriptions(t.client.connectionId!)).toContain('demo.#'),
    );
    await publish('demo.x', 4);
    await waitFor(() => expect(screen.getByTestId('a').dataset.latest).toBe('4'));
  });

  it('reports a refused subscription as error, and keeps the others working', async () => {
    const restricted = hubClient(t.hub, 'forbidden');
    await restricted.connect();
    try {
      render(
        <SwitchboardProvider client={restricted}>
          <Events id="secret" pattern="secret.#" />
          <Events id="demo" pattern="demo.#" />
        </SwitchboardProvider>,
      );
      await waitFor(() => expect(screen.getByTestId('secret').dataset.error).toBe('FORBIDDEN'));
      await waitFor(() =>
        expect(t.hub.router.getSubscriptions(restricted.connectionId!)).toContain('demo.#'),
      );
      await publish('demo.x', 7);
      await waitFor(() => expect(screen.getByTestId('demo').dataset.latest).toBe('7'));
      expect(screen.getByTestId('demo').dataset.error).toBe('');
    } finally {
      cleanup();
      await restricted.disconnect();
    }
  });

  it('never ends a subscription a channel t.client holds on the same t.client', async () => {
    const channel = new AgentChannelClient(t.client);
    await channel.subscribeAll({ kinds: ['status'] });
    const seen: string[] = [];
    channel.on('status-change', (event) => seen.push(event.status));
    const view = render(
      <SwitchboardProvider client={t.client}>
        <Events id="a" pattern="agent.*.status" />
      </SwitchboardProvider>,
    );
    await waitFor(() => expect(topicRegistry(t.client).holders('agent.*.status')).toBe(1));
    view.unmount();
    await waitFor(() => expect(topicRegistry(t.client).holders('agent.*.status')).toBe(0));
    await Promise.resolve();
    expect(t.client.subscriptions.has('agent.*.status')).toBe(true);
    await t.hub.agents.publishStatusChange({ agentId: 'a1', status: 'busy' });
    await waitFor(() => expect(seen).toEqual(['busy']));
    await channel.close();
  });

  it('refuses bad options and patterns with errors naming them', () => {
    const renderWith = (pattern: string, options: UseTopicOptions) => () =>
      render(
        <SwitchboardProvider client={t.client}>
          <Events id="x" pattern={pattern} {...options} />
        </SwitchboardProvider>,
      );
    const quiet = silenceReactErrors();
    try {
      expect(renderWith('demo', { limit: -1 })).toThrow(/useTopic option "limit"/);
      expect(renderWith('demo', { limit: 1.5 })).toThrow(/useTopic option "limit"/);
      expect(renderWith('demo', { since: 'first' as 'last' })).toThrow(/option "since"/);
      expect(renderWith('demo', { lmit: 3 } as UseTopicOptions)).toThrow(/unknown option "lmit"/);
      expect(renderWith('demo..x', {})).toThrow(/Invalid pattern/);
    } finally {
      quiet();
    }
  });
});
