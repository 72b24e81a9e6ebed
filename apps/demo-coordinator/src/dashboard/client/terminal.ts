import {
  AgentChannelClient,
  type CommandFollower,
  type CommandRun,
  type TerminalEvent,
} from '@switchboard/channels-agent';
import type { WSClient } from '@switchboard/client';
import { el } from './dom.ts';

/** Most characters the output pane keeps; older output is cut off at the front. */
const MAX_CHARS = 100_000;
const SUGGESTIONS = ['status', 'tail logs', 'sleep 10', 'help'];

/**
 * The terminal pane: pick an agent, run one of its commands, watch the output stream in,
 * interrupt it. The output shown comes from the command's topic in the hub's log
 * (`agent.<id>.term.<commandId>`, followed from its start), so a reconnect resumes it with
 * no gap; the call's own stream is read to its end so the agent is never held back.
 */
export function mountTerminal(client: WSClient, host: HTMLElement, agentIds: () => string[]): void {
  const channel = new AgentChannelClient(client);
  const agentSelect = el('select', { id: 'term-agent', 'aria-label': 'agent' });
  const input = el('input', {
    id: 'term-command',
    type: 'text',
    list: 'term-suggestions',
    placeholder: 'status, tail logs, sleep 10',
    autocomplete: 'off',
  });
  const suggestions = el(
    'datalist',
    { id: 'term-suggestions' },
    SUGGESTIONS.map((s) => el('option', { value: s })),
  );
  const runButton = el('button', { id: 'term-run', type: 'submit' }, 'Run');
  const stopButton = el(
    'button',
    { id: 'term-interrupt', type: 'button', disabled: true },
    'Interrupt',
  );
  const exit = el('span', { id: 'term-exit', class: 'muted small' });
  const output = el('pre', { id: 'term-output', class: 'term-output' });
  const form = el(
    'form',
    { class: 'term-controls' },
    agentSelect,
    input,
    suggestions,
    runButton,
    stopButton,
    exit,
  );
  host.append(el('h2', {}, 'Terminal'), form, output);

  let current: { run: CommandRun; follower: CommandFollower } | undefined;
  let chars = 0;

  const refreshAgents = () => {
    const ids = agentIds();
    const known = [...agentSelect.options].map((option) => option.value);
    if (ids.join() === known.join()) return;
    const selected = agentSelect.value;
    agentSelect.replaceChildren(...ids.map((id) => el('option', { value: id }, id)));
    if (ids.includes(selected)) agentSelect.value = selected;
  };
  refreshAgents();
  setInterval(refreshAgents, 1_000);

  const append = (text: string, stream: 'stdout' | 'stderr') => {
    output.append(stream === 'stderr' ? el('span', { class: 'term-err' }, text) : text);
    chars += text.length;
    while (chars > MAX_CHARS && output.firstChild) {
      chars -= output.firstChild.textContent?.length ?? 0;
      output.firstChild.remove();
    }
    output.scrollTop = output.scrollHeight;
  };

  const show = (event: TerminalEvent) => {
    if (event.type === 'start') {
      output.dataset.running = 'true';
      append(`$ ${event.command}\n`, 'stdout');
    } else if (event.type === 'output') {
      for (const chunk of event.chunks) append(chunk.text, chunk.stream);
    } else {
      output.dataset.running = 'false';
      stopButton.disabled = true;
      exit.dataset.status = event.status;
      exit.textContent = `${event.status}${event.exitCode === null ? '' : ` (exit ${event.exitCode})`}${event.error ? `: ${event.error.message}` : ''}`;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const agentId = agentSelect.value;
    const command = input.value.trim();
    if (agentId === '' || command === '') return;
    if (current !== undefined) {
      current.run.interrupt();
      void current.follower.close();
    }
    output.replaceChildren();
    chars = 0;
    exit.textContent = 'running';
    exit.dataset.status = 'running';
    stopButton.disabled = false;
    const run = channel.runCommand(agentId, command);
    const follower = channel.followCommand(agentId, run.commandId);
    follower.on('terminal', show);
    follower.on('gap', ({ from, to }) => append(`[missed output ${from}-${to}]\n`, 'stderr'));
    current = { run, follower };
    run.wait().catch((error: { code?: string; message?: string }) => {
      if (current?.run !== run) return;
      stopButton.disabled = true;
      output.dataset.running = 'false';
      exit.dataset.status = 'error';
      exit.textContent = `${error.code ?? 'ERROR'}: ${error.message ?? String(error)}`;
    });
  });
  stopButton.addEventListener('click', () => current?.run.interrupt());
}
