import type { Publisher } from '@switchboard/channels-core';
import { AGENT_CHANNEL } from './channel.ts';
import type { AgentStatus, AgentStatusInput } from './schemas.ts';

/**
 * The last status published per agent through one server or client, so that a status
 * change can say what it changed from: `previous` defaults to it.
 */
export class LastStatus {
  readonly #statuses = new Map<string, AgentStatus>();

  async publish<R>(target: Publisher<R>, input: AgentStatusInput): Promise<R> {
    const { topic, payload } = AGENT_CHANNEL.prepare('status', {
      ...input,
      previous: input.previous ?? this.#statuses.get(input.agentId),
    });
    const result = await target.publish(topic, payload);
    this.#statuses.set(payload.agentId, payload.status);
    return result;
  }
}
