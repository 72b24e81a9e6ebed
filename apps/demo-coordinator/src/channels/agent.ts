import { AgentChannelClient } from '@switchboard/channels-agent';
import type { WSClient } from '@switchboard/client';
import type { AgentPort, AgentWatchPort } from './ports.ts';

/** An agent's own topics through `AgentChannelClient`; log lines go through its log stream. */
export function agentPort(
  client: WSClient,
  agentId: string,
  onError: (e: unknown) => void,
): AgentPort {
  const channel = new AgentChannelClient(client);
  channel.on('error', onError);
  const logs = channel.createLogStream(agentId, { flushIntervalMs: 100 });
  return {
    status: (status, reason) =>
      channel.reportStatus({ agentId, status, ...(reason === undefined ? {} : { reason }) }),
    health: (report) => channel.reportHealth({ agentId, ...report }),
    metrics: (metrics) => channel.reportMetrics({ agentId, metrics }),
    log: (stream, text) => logs.write(text, stream),
    flush: () => logs.flush(),
    serveCommands: (executor) => channel.serveCommands(agentId, executor),
    close() {
      // Closing races the disconnect that follows; what is lost then is lost anyway.
      logs.close().catch(() => {});
      channel.close().catch(() => {});
    },
  };
}

/** The coordinator's view of every agent's status, starting from the retained ones. */
export function agentWatch(client: WSClient, onError: (e: unknown) => void) {
  const channel = new AgentChannelClient(client);
  channel.on('error', onError);
  const port: AgentWatchPort = {
    onStatus: (listener) =>
      channel.listen('status-change', (event) => listener(event.agentId, event.status)),
  };
  return {
    port,
    ready: () => channel.subscribeAll({ kinds: ['status'], since: 'last' }),
    close: () => channel.close(),
  };
}
