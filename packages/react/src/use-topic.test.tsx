// @vitest-environment happy-dom
import { AgentChannelClient } from '@switchboard/channels-agent';
import type { WSClient } from '@switchboard/client';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubClient, startHub, type TestHub } from '../test/hub.ts';
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
  let hub: TestHub;
  let client: WSClient;

  beforeEach(async () => {
    hub = await startHub();
    client = hubClient(hub);
    await client.connect();
  });

  afterEach(async () => {
    cleanup();
    await client.disconnect();
    await hub.close();
  });

  const publish = (topic: string, n: number) => hub.router.publish(topic, { n });
  const text = (id: string) => screen.getByTestId(id).textContent;

  it('sends one subscribe under StrictMode and delivers the latest events, bounded by limit', async () => {
    render(
      <StrictMode>
        <SwitchboardProvider client={client}>
          <Events id="a" pattern="demo.*" limit={3} />
        </SwitchboardProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(client.subscriptions.has('demo.*')).toBe(true));
    await waitFor(() =>
      expect(hub.router.getSubscriptions(client.connectionId!)).toContain('demo.*'),
    );
    for (let n = 1; n <= 5; n++) await publish(`demo.${n % 2}`, n);
    await waitFor(() => expect(text('a')).toBe('3,4,5'));
    expect(screen.getByTestId('a').dataset.latest).toBe('5');
    expect(hub.subscribes.get('demo.*')).toBe(1);
    expect(hub.unsubscribes.get('demo.*')).toBeUndefined();
  });

  it('shares one subscription between components and unsubscribes after the last one leaves', async () => {
    const page = (shown: { a: boolean; b: boolean }) => (
      <StrictMode>
        <SwitchboardProvider client={client}>
          {shown.a && <Events id="a" pattern="demo.#" limit={10} />}
          {shown.b && <Events id="b" pattern="demo.#" limit={10} />}
        </SwitchboardProvider>
      </StrictMode>
    );
    const view = render(page({ a: true, b: true }));
    await waitFor(() =>
      expect(hub.router.getSubscriptions(client.connectionId!)).toContain('demo.#'),
    );
    await publish('demo.x', 1);
    await waitFor(() => expect([text('a'), text('b')]).toEqual(['1', '1']));
    expect(topicRegistry(client).holders('demo.#')).toBe(2);

    view.rerender(page({ a: false, b: true }));
    await publish('demo.x', 2);
    await waitFor(() => expect(text('b')).toBe('1,2'));
    expect(client.subscriptions.has('demo.#')).toBe(true);
    expect(hub.unsubscribes.get('demo.#')).toBeUndefined();

    view.rerender(page({ a: false, b: false }));
    await waitFor(() => expect(hub.unsubscribes.get('demo.#')).toBe(1));
    expect(client.subscriptions.has('demo.#')).toBe(false);
    expect(hub.subscribes.get('demo.#')).toBe(1);
  });

  it("gives a late joiner with since: 'last' the last event per topic of the shared subscription", async () => {
    const view = render(
      <SwitchboardProvider client={client}>
        <Events id="first" pattern="demo.*" since="last" />
      </SwitchboardProvider>,
    );
    await waitFor(() =>
      expect(hub.router.getSubscriptions(client.connectionId!)).toContain('demo.*'),
    );
    await publish('demo.a', 1);
    await publish('demo.b', 2);
    await publish('demo.a', 3);
    await waitFor(() => expect(screen.getByTestId('first').dataset.latest).toBe('3'));
    view.rerender(
      <SwitchboardProvider client={client}>
        <Events id="first" pattern="demo.*" since="last" />
        <Events id="late" pattern="demo.*" since="last" limit={5} />
      </SwitchboardProvider>,
    );
    await waitFor(() => expect(text('late')).toBe('2,3'));
    expect(hub.subscribes.get('demo.*')).toBe(1);
  });

  it('reports a refused subscription as error, and keeps the others working', async () => {
    const restricted = hubClient(hub, 'forbidden');
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
        expect(hub.router.getSubscriptions(restricted.connectionId!)).toContain('demo.#'),
      );
      await publish('demo.x', 7);
      await waitFor(() => expect(screen.getByTestId('demo').dataset.latest).toBe('7'));
      expect(screen.getByTestId('demo').dataset.error).toBe('');
    } finally {
      cleanup();
      await restricted.disconnect();
    }
  });

  it('never ends a subscription a channel client holds on the same client', async () => {
    const channel = new AgentChannelClient(client);
    await channel.subscribeAll({ kinds: ['status'] });
    const seen: string[] = [];
    channel.on('status-change', (event) => seen.push(event.status));
    const view = render(
      <SwitchboardProvider client={client}>
        <Events id="a" pattern="agent.*.status" />
      </SwitchboardProvider>,
    );
    await waitFor(() => expect(topicRegistry(client).holders('agent.*.status')).toBe(1));
    view.unmount();
    await waitFor(() => expect(topicRegistry(client).holders('agent.*.status')).toBe(0));
    await Promise.resolve();
    expect(client.subscriptions.has('agent.*.status')).toBe(true);
    await hub.agents.publishStatusChange({ agentId: 'a1', status: 'busy' });
    await waitFor(() => expect(seen).toEqual(['busy']));
    await channel.close();
  });

  it('refuses bad options and patterns with errors naming them', () => {
    const renderWith = (pattern: string, options: UseTopicOptions) => () =>
      render(
        <SwitchboardProvider client={client}>
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
