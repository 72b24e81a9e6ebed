import { WSClient } from '@switchboard/client';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConnectionStatus } from './connection-status.tsx';
import { SwitchboardProvider } from './provider.tsx';
import { topicRegistry } from './topic-registry.ts';
import { useAgentChannel } from './use-agent-channel.ts';
import { useRealtimeEvents, useRealtimeMetrics } from './use-realtime.ts';
import { useTopic } from './use-topic.ts';

function Dashboard() {
  const { latest, events } = useTopic('demo.#', { since: 'last', limit: 5 });
  const { metrics } = useRealtimeMetrics();
  const { agents } = useAgentChannel();
  const live = useRealtimeEvents('task.#');
  return (
    <main>
      <ConnectionStatus />
      <p>{`${latest === undefined} ${events.length} ${metrics === undefined} ${agents.length} ${live.events.length}`}</p>
    </main>
  );
}

describe('server rendering', () => {
  it('renders the server snapshots and touches neither the client nor the network', async () => {
    const client = new WSClient({ url: 'ws://127.0.0.1:9' });
    const html = renderToString(
      <SwitchboardProvider client={client}>
        <Dashboard />
      </SwitchboardProvider>,
    );
    expect(html).toContain('data-state="idle"');
    expect(html).toContain('Not connected');
    expect(html).toContain('true 0 true 0 0');
    await Promise.resolve();
    expect(client.subscriptions.size).toBe(0);
    expect(client.state).toBe('idle');
    expect(topicRegistry(client).holders('demo.#')).toBe(0);
  });

  it('renders with a provider that owns its client without connecting it', () => {
    const html = renderToString(
      <SwitchboardProvider options={{ url: 'ws://127.0.0.1:9' }}>
        <ConnectionStatus id="status" />
      </SwitchboardProvider>,
    );
    expect(html).toMatch(
      /<span role="status" aria-live="polite" aria-label="[^"]+" id="status" data-state="idle">/,
    );
  });
});
