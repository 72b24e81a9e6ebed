import {
  ChannelClient,
  type ChannelClientOptions,
  type ChannelEvents,
  type HubClient,
  type HubServingClient,
  type SubscribeOptions,
} from '@switchboard/channels-core';
import { SwitchboardError } from '@switchboard/protocol';
import { AGENT_CHANNEL, type AgentChannelSpec } from './channel.ts';
import { CommandFollower, type FollowCommandOptions } from './command-follower.ts';
import { CommandRun, type RunCommandOptions } from './command-run.ts';
import {
  type CommandExecutor,
  type CommandService,
  type ServeCommandsOptions,
  serveCommands,
} from './command-server.ts';
import { LastStatus } from './last-status.ts';
import { BatchingLogStream, type LogStream, type LogStreamOptions } from './log-stream.ts';
import type { AgentHealthInput, AgentMetricsInput, AgentStatusInput } from './schemas.ts';
import { commandMethods } from './terminal-channel.ts';
import { type AgentEventKind, agentTopic } from './topics.ts';

/**
 * Events of AgentChannelClient: `status-change`, `health-update`, `metrics` and `logs`, each
 * also as `<name>:<agentId>` for one agent, and `error` for an event on a subscribed topic
 * that failed validation (dropped) or a lost log batch.
 */
export type AgentChannelEvents = ChannelEvents<AgentChannelSpec>;

/** `kinds` defaults to all four: status, health, metrics, logs. */
export type AgentSubscribeOptions = SubscribeOptions<AgentEventKind>;

export type AgentChannelClientOptions = ChannelClientOptions;

/**
 * The agent channel over a hub client: dashboards subscribe and listen, agents report their
 * own status, health, metrics and output. Works with any object shaped like `WSClient`.
 */
export class AgentChannelClient extends ChannelClient<AgentChannelSpec> {
  readonly #lastStatus = new LastStatus();

  constructor(client: HubClient, options: AgentChannelClientOptions = {}) {
    super(AGENT_CHANNEL, client, options);
  }

  /** Subscribes to one agent's topics, `agent.<agentId>.<kind>`. */
  subscribeToAgent(agentId: string, options: AgentSubscribeOptions = {}): Promise<void> {
    return this.subscribeTo(agentId, options);
  }

  unsubscribeFromAgent(agentId: string): Promise<void> {
    return this.unsubscribeFrom(agentId);
  }

  /** Agents this client subscribed to one by one. */
  getSubscribedAgents(): string[] {
    return this.subscribedIds();
  }

  /**
   * Publishes this agent's status to `agent.<agentId>.status`. `previous` defaults to the
   * last status reported through this client.
   */
  async reportStatus(input: AgentStatusInput): Promise<void> {
    await this.#lastStatus.publish(this.hub, input);
  }

  reportHealth(input: AgentHealthInput): Promise<void> {
    return this.publishEvent('health', input);
  }

  reportMetrics(input: AgentMetricsInput): Promise<void> {
    return this.publishEvent('metrics', input);
  }

  /**
   * A batched stream of output lines to `agent.<agentId>.logs`: `write` is synchronous and
   * never blocks; lines go out in batches of one publish each, in order, with a `seq` per
   * line; when the buffer is full the oldest lines are dropped and counted. A batch the hub
   * refuses is counted as dropped and emitted as `error`.
   */
  createLogStream(agentId: string, options: LogStreamOptions = {}): LogStream {
    const topic = agentTopic(agentId, 'logs');
    return new BatchingLogStream(
      agentId,
      (payload) => this.hub.publish(topic, payload),
      (error) => this.emit('error', SwitchboardError.from(error)),
      options,
    );
  }

  /**
   * Serves commands as agent `agentId` (the seed's `command:request`): `agent.<agentId>.exec`
   * runs `executor` and streams its output, batched per tick, to the caller and to the
   * command's topic `agent.<agentId>.term.<commandId>`; `agent.<agentId>.interrupt` stops
   * one (`command:interrupt`). Needs a client that serves methods (`WSClient`) and `serve`
   * rights for `agent.<agentId>.*` and publish rights for `agent.<agentId>.term.*`. A publish
   * the hub refuses is emitted as `error`.
   */
  serveCommands(
    agentId: string,
    executor: CommandExecutor,
    options: ServeCommandsOptions = {},
  ): CommandService {
    return serveCommands(this.#serving('serveCommands'), agentId, executor, options, (error) =>
      this.emit('error', error),
    );
  }

  /** Runs `command` on agent `agentId`; see CommandRun. */
  runCommand(agentId: string, command: string, options: RunCommandOptions = {}): CommandRun {
    return new CommandRun(this.#serving('runCommand'), agentId, command, options);
  }

  /**
   * Interrupts a command anyone started (another dashboard's too): NOT_FOUND when it is not
   * running. Its followers see the exit with status `interrupted`.
   */
  async interruptCommand(
    agentId: string,
    commandId: string,
    options: { timeout?: number } = {},
  ): Promise<void> {
    await this.hub.request(commandMethods.interrupt(agentId), { commandId }, options);
  }

  /**
   * Follows one command's output from the hub's log, from its start by default, however
   * late: any number of dashboards can follow the same command. See CommandFollower.
   */
  followCommand(
    agentId: string,
    commandId: string,
    options: FollowCommandOptions = {},
  ): CommandFollower {
    return new CommandFollower(this.hub, agentId, commandId, options);
  }

  #serving(owner: string): HubServingClient {
    const hub = this.hub as Partial<HubServingClient>;
    if (typeof hub.handle !== 'function' || typeof hub.requestStream !== 'function') {
      throw new TypeError(
        `${owner} needs a hub client that serves methods and reads streams (WSClient)`,
      );
    }
    return hub as HubServingClient;
  }
}
