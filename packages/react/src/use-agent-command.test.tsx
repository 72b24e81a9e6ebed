// @vitest-environment happy-dom
import { AgentChannelClient, type CommandService } from '@switchboard/channels-agent';
import { WSClient } from '@switchboard/client';
import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { hubPerTest } from '../test/hub-per-test.ts';
import { silenceReactErrors } from '../test/react.ts';
import { SwitchboardProvider } from './provider.tsx';
import { type AgentCommand, useAgentCommand } from './use-agent-command.ts';

/** Renders the hook's state as text, and hands the test its functions. */
function Terminal({
  id,
  commandId,
  onHook,
}: {
  id: string;
  commandId?: string;
  onHook?: (hook: AgentCommand) => void;
}) {
  const hook = useAgentCommand('agent-r', commandId === undefined ? {} : { commandId });
  onHook?.(hook);
  return (
    <pre data-testid={id} data-running={hook.running} data-exit={hook.exit?.status ?? ''}>
      {hook.text}
    </pre>
  );
}

describe('useAgentCommand', () => {
  const t = hubPerTest();
  let agentClient: WSClient;
  let service: CommandService;
  afterEach(async () => {
    await service?.close();
    await agentClient?.disconnect();
  });

  async function serveAgent() {
    agentClient = new WSClient({ url: t.hub.url, token: 'agent-r' });
    await agentClient.connect();
    service = new AgentChannelClient(agentClient).serveCommands('agent-r', async (request, io) => {
      const lines = Number(request.command.split(' ')[1] ?? 3);
      for (let i = 1; i <= lines; i++) {
        if (io.signal.aborted) return 130;
        io.stdout(`${i}\n`);
        await new Promise((resolve) =>
          setTimeout(resolve, request.command.startsWith('slow') ? 20 : 0),
        );
      }
      return 0;
    });
    await service.ready;
  }

  it('runs a command and shows its output to the end; another follows it by id, with one subscribe each under StrictMode', async () => {
    await serveAgent();
    let runner!: AgentCommand;
    const view = render(
      <StrictMode>
        <SwitchboardProvider client={t.client}>
          <Terminal id="runner" onHook={(hook) => (runner = hook)} />
        </SwitchboardProvider>
      </StrictMode>,
    );
    let commandId = '';
    act(() => {
      commandId = runner.run('count 5');
    });
    await waitFor(() => expect(screen.getByTestId('runner').dataset.exit).toBe('completed'));
    expect(screen.getByTestId('runner').textContent).toBe('1\n2\n3\n4\n5\n');
    expect(runner.commandId).toBe(commandId);
    view.rerender(
      <StrictMode>
        <SwitchboardProvider client={t.client}>
          <Terminal id="runner" onHook={(hook) => (runner = hook)} />
          <Terminal id="follower" commandId={commandId} />
        </SwitchboardProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('follower').dataset.exit).toBe('completed'));
    expect(screen.getByTestId('follower').textContent).toBe('1\n2\n3\n4\n5\n');
    // One subscribe per follow (the runner's, the follower's), not two each.
    expect(t.hub.subscribes.get(`agent.agent-r.term.${commandId}`)).toBe(2);
    // Both unsubscribed after the exit.
    await waitFor(() =>
      expect(t.client.subscriptions.has(`agent.agent-r.term.${commandId}`)).toBe(false),
    );
  });

  it('interrupts its own run', async () => {
    await serveAgent();
    let runner!: AgentCommand;
    render(
      <SwitchboardProvider client={t.client}>
        <Terminal id="runner" onHook={(hook) => (runner = hook)} />
      </SwitchboardProvider>,
    );
    act(() => {
      runner.run('slow 500');
    });
    await waitFor(() => expect(screen.getByTestId('runner').textContent).toContain('3\n'));
    expect(screen.getByTestId('runner').dataset.running).toBe('true');
    act(() => runner.interrupt());
    await waitFor(() => expect(screen.getByTestId('runner').dataset.exit).toBe('interrupted'));
    expect(screen.getByTestId('runner').textContent).not.toContain('500\n');
  });

  it('throws INVALID_TOPIC during render for a bad command id', () => {
    const restore = silenceReactErrors();
    try {
      expect(() =>
        render(
          <SwitchboardProvider client={t.client}>
            <Terminal id="bad" commandId="a.b" />
          </SwitchboardProvider>,
        ),
      ).toThrow(expect.objectContaining({ code: 'INVALID_TOPIC' }));
    } finally {
      restore();
    }
  });
});
