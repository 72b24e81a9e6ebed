import { assertSegment, defineChannel, joinTopic } from '@switchboard/channels-core';
import { AGENT_CHANNEL } from './channel.ts';
import { TerminalEvent } from './terminal-schemas.ts';

/**
 * Command output: `agent.<agentId>.term.<commandId>`, one topic per command, so a follower
 * replays exactly one command's history. A channel of its own beside `AGENT_CHANNEL`, so
 * `subscribeAll` of the agent channel keeps its four kinds and never replays every command.
 */
export const AGENT_TERMINAL_CHANNEL = defineChannel({
  prefix: AGENT_CHANNEL.prefix,
  id: 'agentId',
  kinds: ['term'],
  schemas: { term: TerminalEvent },
  subIds: { term: 'commandId' },
});

/** `agent.<agentId>.term.<commandId>`; INVALID_TOPIC naming `agentId` or `commandId`. */
export function terminalTopic(agentId: string, commandId: string): string {
  return AGENT_TERMINAL_CHANNEL.topic(agentId, 'term', commandId);
}

/** `agent.<agentId>.term.*`: every command of one agent (for a list of its commands). */
export function terminalPattern(agentId: string): string {
  return AGENT_TERMINAL_CHANNEL.pattern(agentId, 'term');
}

/** The methods an agent serves: `agent.<agentId>.exec` and `agent.<agentId>.interrupt`. */
export const commandMethods = {
  exec: (agentId: string): string => agentMethod(agentId, 'exec'),
  interrupt: (agentId: string): string => agentMethod(agentId, 'interrupt'),
};

function agentMethod(agentId: string, name: string): string {
  assertSegment(agentId, 'agentId');
  return joinTopic([AGENT_CHANNEL.prefix, agentId, name], 'agentId');
}
