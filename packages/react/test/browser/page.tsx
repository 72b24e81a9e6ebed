/**
 * The page the browser test drives: every hook under StrictMode, with a client the
 * provider owns. The hub's address comes in the query string (`?hub=ws://...`).
 */
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import {
  ConnectionStatus,
  SwitchboardProvider,
  useAgentChannel,
  useRealtimeMetrics,
  useRequest,
  useTopic,
} from '../../src/index.ts';

const query = new URLSearchParams(location.search);
const hub = query.get('hub') ?? '';
/** `?upgrade=<ms>`: how often, on the HTTP fallback, the client tries WebSocket again. */
const upgradeIntervalMs = Number(query.get('upgrade') ?? 30_000);
/** Read by the test: effects run twice per mount when StrictMode is really on. */
const probe = { effectRuns: 0 };
(window as unknown as { probe: typeof probe }).probe = probe;

function EffectProbe() {
  useEffect(() => {
    probe.effectRuns += 1;
  }, []);
  return null;
}

function DemoEvents() {
  const { events } = useTopic<{ text: string }>('demo.#', { limit: 5 });
  return (
    <ul id="events">
      {events.map((event) => (
        <li key={`${event.epoch}:${event.offset}`} data-topic={event.topic}>
          {event.data.text}
        </li>
      ))}
    </ul>
  );
}

/** The same pattern again: it shares the subscription of DemoEvents. */
function LatestDemoEvent() {
  const { latest } = useTopic<{ text: string }>('demo.#');
  return <p id="latest">{latest?.data.text ?? ''}</p>;
}

function Doubler() {
  const { call, data, error, loading } = useRequest<number, number>('math.double');
  return (
    <section>
      <button id="ask" type="button" onClick={() => void call(21)}>
        Double 21
      </button>
      <output id="answer" data-loading={loading}>
        {error === undefined ? (data ?? '') : error.code}
      </output>
    </section>
  );
}

function Agents() {
  const { agents } = useAgentChannel();
  return (
    <ul id="agents">
      {agents.map((agent) => (
        <li key={agent.agentId} data-agent-id={agent.agentId} data-status={agent.status}>
          {`${agent.agentId}: ${agent.status ?? 'unknown'}${agent.healthy === false ? ' (unhealthy)' : ''}`}
        </li>
      ))}
    </ul>
  );
}

function Metrics() {
  const { metrics } = useRealtimeMetrics<{ activeAgents: number }>();
  return <p id="metrics">{metrics?.activeAgents ?? ''}</p>;
}

const root = document.getElementById('root');
if (root === null) throw new Error('no #root');
createRoot(root).render(
  <StrictMode>
    <SwitchboardProvider
      options={{
        url: hub,
        token: 'dashboard',
        reconnectIntervalMs: 100,
        maxReconnectIntervalMs: 400,
        upgradeIntervalMs,
      }}
    >
      <EffectProbe />
      <ConnectionStatus id="status" />
      <DemoEvents />
      <LatestDemoEvent />
      <Doubler />
      <Agents />
      <Metrics />
    </SwitchboardProvider>
  </StrictMode>,
);
