import { describeReason } from '../../format.ts';
import { clock, duration, el, replace } from './dom.ts';
import {
  type AgentView,
  type DashboardState,
  isAgentOffline,
  type RoundView,
  type TaskView,
} from './state.ts';

const FINISHED_TASKS_SHOWN = 8;
const ROUNDS_SHOWN = 4;
const STREAM_SHOWN = 150;

export function renderAgents(container: HTMLElement, state: DashboardState): void {
  const agents = [...state.agents.values()].sort((a, b) => a.id.localeCompare(b.id));
  if (agents.length === 0) {
    replace(container, [el('p', { class: 'empty' }, 'No agents yet.')]);
    return;
  }
  replace(
    container,
    agents.map((agent) => agentCard(agent, state)),
  );
}

function agentCard(agent: AgentView, state: DashboardState): HTMLElement {
  const task = agent.task ? state.tasks.get(agent.task) : undefined;
  const offline = isAgentOffline(agent);
  const health = offline
    ? [`offline${agent.offlineSince === undefined ? '' : ` since ${clock(agent.offlineSince)}`}`]
    : [
        agent.healthy === undefined ? 'health ?' : agent.healthy ? 'healthy' : 'unhealthy',
        agent.cpu === undefined ? undefined : `cpu ${Math.round(agent.cpu)}%`,
        agent.memoryMb === undefined ? undefined : `${Math.round(agent.memoryMb)} MB`,
        agent.uptimeMs === undefined ? undefined : `up ${duration(agent.uptimeMs)}`,
      ].filter(Boolean);
  const metrics = Object.entries(agent.metrics)
    .slice(0, 4)
    .map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(1)}`);
  return el(
    'article',
    {
      class: `agent status-${agent.status}${agent.present === false ? ' absent' : ''}`,
      'data-agent-id': agent.id,
      'data-status': agent.status,
    },
    el(
      'header',
      {},
      el('span', {
        class: `dot ${offline ? 'dot-off' : agent.healthy === false ? 'dot-bad' : 'dot-good'}`,
        'data-dot': offline ? 'offline' : agent.healthy === false ? 'unhealthy' : 'healthy',
      }),
      el('strong', {}, agent.id),
      el('span', { class: `badge badge-${agent.status}` }, agent.status),
    ),
    el('p', { class: 'muted health' }, health.join(' · ')),
    el(
      'p',
      {},
      task
        ? `working on ${task.id} (${Math.round(task.percent)}%)`
        : agent.reason
          ? agent.reason
          : agent.status === 'idle'
            ? 'waiting for work'
            : '',
    ),
    metrics.length > 0 ? el('p', { class: 'muted small' }, metrics.join(' · ')) : null,
    agent.lastLog ? el('p', { class: 'log', title: agent.lastLog }, agent.lastLog) : null,
  );
}

export function renderTasks(container: HTMLElement, state: DashboardState): void {
  const all = [...state.tasks.values()];
  const active = all
    .filter((task) => task.state !== 'completed' && task.state !== 'failed')
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const finished = all
    .filter((task) => task.state === 'completed' || task.state === 'failed')
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice(0, FINISHED_TASKS_SHOWN);
  const rows = [...active, ...finished].map(taskRow);
  if (rows.length === 0) {
    replace(container, [el('tr', {}, el('td', { colspan: 4, class: 'empty' }, 'No tasks yet.'))]);
    return;
  }
  replace(container, rows);
}

function taskRow(task: TaskView): HTMLElement {
  const detail = task.state === 'failed' ? task.error : task.message;
  return el(
    'tr',
    { 'data-task-id': task.id, 'data-state': task.state, class: `task-${task.state}` },
    el('td', { class: 'mono' }, task.id),
    el(
      'td',
      {},
      el('div', {}, task.title),
      detail ? el('div', { class: 'muted small' }, detail) : null,
    ),
    el(
      'td',
      {},
      task.agentId ?? '–',
      task.attempts > 1 ? el('span', { class: 'muted small' }, ` try ${task.attempts}`) : null,
    ),
    el(
      'td',
      { class: 'progress-cell' },
      el('progress', {
        max: 100,
        value: Math.round(task.percent),
        'data-task-id': task.id,
        'aria-label': `${task.id} progress`,
      }),
      el(
        'span',
        { class: `badge badge-${task.state}` },
        task.state === 'running' ? `${Math.round(task.percent)}%` : task.state,
      ),
    ),
  );
}

export function renderSwarm(
  topologyBox: HTMLElement,
  presenceBox: HTMLElement,
  roundsBox: HTMLElement,
  state: DashboardState,
): void {
  const topology = state.topology;
  replace(
    topologyBox,
    topology
      ? [
          el(
            'div',
            { class: 'topology-name', 'data-topology': topology.topology },
            topology.topology,
          ),
          el(
            'p',
            { class: 'muted' },
            `${topology.swarmId} · version ${topology.version} · ${topology.agents.length} agents`,
          ),
          el('p', { class: 'small' }, topology.agents.join(', ')),
        ]
      : [el('p', { class: 'empty' }, 'No topology published yet.')],
  );
  replace(
    presenceBox,
    state.presence.length > 0
      ? [...state.presence]
          .reverse()
          .map((change) =>
            el(
              'li',
              { class: `presence-${change.event}` },
              el('time', {}, clock(change.at)),
              ` ${change.agentId} ${change.event}`,
              change.reason ? el('span', { class: 'muted' }, ` (${change.reason})`) : null,
            ),
          )
      : [el('li', { class: 'empty' }, 'Nobody joined or left yet.')],
  );
  const rounds = [...state.rounds.values()].reverse().slice(0, ROUNDS_SHOWN);
  replace(
    roundsBox,
    rounds.length > 0
      ? rounds.map(roundCard)
      : [el('p', { class: 'empty' }, 'No consensus rounds yet.')],
  );
}

function roundCard(round: RoundView): HTMLElement {
  const outcome = round.outcome ?? 'voting';
  const voters = Math.max(round.voters.length, 1);
  const choices = round.choices.length > 0 ? round.choices : Object.keys(round.tally);
  return el(
    'article',
    { class: 'round', 'data-proposal-id': round.id, 'data-outcome': outcome },
    el(
      'header',
      {},
      el('strong', {}, round.subject),
      el('span', { class: `badge badge-${outcome}` }, outcome),
    ),
    el(
      'p',
      { class: 'muted small' },
      `${round.id} · quorum ${round.quorum || '?'} · ${round.voters.length} voters`,
      round.deadline && !round.outcome ? ` · deadline ${clock(round.deadline)}` : '',
    ),
    round.outcome
      ? el(
          'div',
          { class: 'tally' },
          choices.map((choice) => {
            const count = round.tally[choice] ?? 0;
            return el(
              'div',
              { class: `tally-row${choice === round.winner ? ' winner' : ''}` },
              el('span', { class: 'tally-choice' }, choice),
              el(
                'span',
                { class: 'tally-bar' },
                el('span', { style: `width: ${Math.round((count / voters) * 100)}%` }),
              ),
              el('span', { class: 'tally-count' }, count),
            );
          }),
        )
      : // Votes go to the hub, which publishes the tally once, with its decision.
        el('p', { class: 'small' }, `choices: ${choices.join(' / ')} · the hub tallies the votes`),
    Object.keys(round.votes).length > 0
      ? el(
          'p',
          { class: 'small muted' },
          Object.entries(round.votes)
            .map(([voter, choice]) => `${voter} → ${choice}`)
            .join(' · '),
        )
      : null,
    round.reason ? el('p', { class: 'small' }, describeReason(round.reason)) : null,
  );
}

export function renderStream(container: HTMLElement, state: DashboardState, filter: string): void {
  const items = state.filteredStream(filter, STREAM_SHOWN);
  replace(
    container,
    items.map((item) =>
      el(
        'li',
        { class: `tone-${item.tone}`, 'data-topic': item.topic },
        el('time', {}, clock(item.timestamp)),
        el('span', { class: 'topic' }, item.topic),
        el('span', { class: 'text' }, item.text),
        item.replay ? el('span', { class: 'badge badge-replay' }, 'replay') : null,
      ),
    ),
  );
}
