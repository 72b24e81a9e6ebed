import { SwarmChannelServer } from '@switchboard/channels-swarm';
import type { WSClient } from '@switchboard/client';
import type { WSRouter, WSServer } from '@switchboard/server';
import { agentPort, agentWatch } from './agent.ts';
import type {
  AgentPort,
  AgentWatchPort,
  SwarmLeaderPort,
  SwarmVoterPort,
  TaskDispatchPort,
  TaskWorkerPort,
} from './ports.ts';
import { swarmLeader, swarmVoter } from './swarm.ts';
import { taskDispatch, taskWorker } from './task.ts';

/** Everything one agent connection uses. */
export interface AgentChannels {
  agent: AgentPort;
  tasks: TaskWorkerPort;
  swarm: SwarmVoterPort;
  /** Resolves once the agent's subscriptions are in place. */
  ready(): Promise<void>;
  close(): void;
}

/** Everything the coordinator's connection uses. */
export interface CoordinatorChannels {
  agents: AgentWatchPort;
  tasks: TaskDispatchPort;
  swarm: SwarmLeaderPort;
  ready(): Promise<void>;
  close(): void;
}

/** The hub side of the three channels, and factories for the client sides. */
export interface HubChannels {
  forAgent(client: WSClient, agentId: string): AgentChannels;
  forCoordinator(client: WSClient): CoordinatorChannels;
  close(): void;
}

export interface HubChannelOptions {
  swarmId: string;
  /** Invalid events, refused log batches, failed hub-side publishes. */
  onError(error: unknown): void;
}

/**
 * Binds the simulation to `@switchboard/channels-agent`, `-task` and `-swarm`. On the hub,
 * `SwarmChannelServer` takes presence from the WSServer's connections (principals carrying
 * a `swarmId`), serves the `swarm.vote` route and tallies; the agent and task channels need
 * nothing on the hub, their clients publish through their own connections.
 */
export function createHubChannels(
  router: WSRouter,
  server: WSServer,
  options: HubChannelOptions,
): HubChannels {
  const { swarmId, onError } = options;
  const swarmServer = new SwarmChannelServer(router, { presence: server });
  swarmServer.on('error', onError);
  return {
    forAgent(client, agentId) {
      const tasks = taskWorker(client, agentId, onError);
      const swarm = swarmVoter(client, swarmId, onError);
      const agent = agentPort(client, agentId, onError);
      return {
        agent,
        tasks: tasks.port,
        swarm: swarm.port,
        ready: async () => {
          await Promise.all([tasks.ready(), swarm.ready()]);
        },
        close() {
          agent.close();
          tasks.port.close();
          swarm.port.close();
        },
      };
    },
    forCoordinator(client) {
      const agents = agentWatch(client, onError);
      const tasks = taskDispatch(client, onError);
      const swarm = swarmLeader(client, swarmServer, swarmId, onError);
      return {
        agents: agents.port,
        tasks: tasks.port,
        swarm,
        ready: async () => {
          await Promise.all([agents.ready(), tasks.ready()]);
        },
        close() {
          agents.close().catch(() => {});
          tasks.port.close();
          swarm.close();
        },
      };
    },
    close() {
      swarmServer.close();
    },
  };
}
