import { type Hub, harness } from '@switchboard/test-utils';
import { afterEach } from 'vitest';
import { SwarmChannelClient } from '../swarm-channel-client.ts';
import { SwarmChannelServer } from '../swarm-channel-server.ts';

/**
 * Hubs with a SwarmChannelServer (presence from the hub's connections) for one test file;
 * everything is closed after each test. Call once at the top of a test file.
 */
export function useSwarmHub() {
  const h = harness();
  const servers: SwarmChannelServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) server.close();
    await h.closeAll();
  });
  return {
    h,
    /** A hub, its swarm server, and a coordinator's client subscribed to swarm s1. */
    async setup(options: { consensus?: 'node' | 'log' } = {}) {
      const hub = await h.start();
      const swarm = new SwarmChannelServer(hub.router, { presence: hub.server, ...options });
      servers.push(swarm);
      const dashboard = new SwarmChannelClient(await h.connect(hub, 'coordinator'));
      await dashboard.subscribeToSwarm('s1');
      return { hub, swarm, dashboard };
    },
    /** Closes `swarm` after the test. */
    track(swarm: SwarmChannelServer): SwarmChannelServer {
      servers.push(swarm);
      return swarm;
    },
    async agent(hub: Hub, id: string, options = {}) {
      const client = await h.connect(hub, id, options);
      return { client, swarm: new SwarmChannelClient(client) };
    },
  };
}

/** The data of a `swarm.vote` request. */
export const vote = (swarmId: string, proposalId: string, choice: string) => ({
  swarmId,
  proposalId,
  choice,
});
