/**
 * The page of the terminal browser test: two terminals on one agent under StrictMode, one
 * that runs commands and one that follows whatever command id the test puts in its input.
 * The hub's address and the agent come in the query string (`?hub=ws://...&agent=agent-t`).
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SwitchboardProvider, useAgentCommand } from '../../src/index.ts';

const params = new URLSearchParams(location.search);
const hub = params.get('hub') ?? '';
const agentId = params.get('agent') ?? 'agent-t';

function Runner() {
  const terminal = useAgentCommand(agentId);
  const [command, setCommand] = useState('');
  return (
    <section id="runner" data-command-id={terminal.commandId ?? ''}>
      <input id="command" value={command} onChange={(event) => setCommand(event.target.value)} />
      <button id="run" type="button" onClick={() => terminal.run(command)}>
        Run
      </button>
      <button
        id="interrupt"
        type="button"
        disabled={!terminal.running}
        onClick={terminal.interrupt}
      >
        Interrupt
      </button>
      <pre id="output">{terminal.text}</pre>
      <output id="exit" data-running={terminal.running}>
        {terminal.exit?.status ?? terminal.error?.code ?? ''}
      </output>
    </section>
  );
}

function Follower() {
  const [commandId, setCommandId] = useState<string | undefined>(undefined);
  const terminal = useAgentCommand(agentId, commandId === undefined ? {} : { commandId });
  return (
    <section id="follower">
      <button
        id="follow"
        type="button"
        onClick={() => setCommandId(document.getElementById('runner')?.dataset.commandId)}
      >
        Follow
      </button>
      <pre id="followed">{terminal.text}</pre>
      <output id="followed-exit">{terminal.exit?.status ?? ''}</output>
    </section>
  );
}

const root = document.getElementById('root');
if (root === null) throw new Error('no #root');
createRoot(root).render(
  <StrictMode>
    <SwitchboardProvider options={{ url: hub, token: 'dashboard' }}>
      <Runner />
      <Follower />
    </SwitchboardProvider>
  </StrictMode>,
);
