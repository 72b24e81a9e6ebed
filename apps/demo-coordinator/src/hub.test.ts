import { createServer, type Server } from 'node:net';
import { WSClient } from '@switchboard/client';
import { ErrorCode } from '@switchboard/protocol';
import { MemoryEngine } from '@switchboard/router';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoHub, type DemoHub } from './hub.ts';
import { silentLog } from './log.ts';

const hubs: DemoHub[] = [];
const clients: WSClient[] = [];
const blockers: Server[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  await Promise.all(
    blockers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function start(options: Parameters<typeof createDemoHub>[0] = {}): Promise<DemoHub> {
  // A slow clock: these tests look at the hub, not at the simulation.
  const hub = await createDemoHub({ port: 0, tickMs: 1_000, log: silentLog, ...options });
  hubs.push(hub);
  return hub;
}

function client(hub: DemoHub, token: string): WSClient {
  const created = new WSClient({ url: hub.url, token, reconnect: false });
  clients.push(created);
  return created;
}

describe('the demo hub', () => {
  it('serves the dashboard, its script and the hub endpoints on one port', async () => {
    const hub = await start();
    const page = await fetch(`${hub.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('id="conn-status"');

    const script = await fetch(`${hub.httpUrl}/dashboard.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('content-encoding')).toBe('gzip');
    const code = await script.text();
    expect(code).toContain('WebSocket');
    expect(code).not.toMatch(/from\s*["'](ws|node:[^"']+)["']/);

    const health = await fetch(`${hub.httpUrl}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', name: 'switchboard-demo' });
    const stats = await fetch(`${hub.httpUrl}/stats`);
    expect(await stats.json()).toHaveProperty('connections');
    expect((await fetch(`${hub.httpUrl}/nope`)).status).toBe(404);
    expect(hub.dashboardUrl).toBe(
      `${hub.httpUrl}/?token=${encodeURIComponent(hub.tokens.dashboard)}`,
    );
  });

  it('gives each participant only its own rights', async () => {
    const hub = await start();
    const ada = client(hub, hub.tokens.agents.ada!);
    await ada.connect();
    expect(ada.principal).toEqual({ id: 'ada' });
    await expect(
      ada.publish('agent.ada.status', { agentId: 'ada', status: 'idle', at: 1 }),
    ).resolves.toMatchObject({ duplicate: false });
    await expect(
      ada.publish('task.t-9.progress', { taskId: 't-9', percent: 5, at: 1 }),
    ).resolves.toBeTruthy();
    await expect(
      ada.publish('agent.babbage.status', { agentId: 'babbage', status: 'error', at: 1 }),
    ).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(
      ada.publish('task.t-9.assigned', { taskId: 't-9', agentId: 'ada', at: 1 }),
    ).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(ada.publish('swarm.alpha.topology', {})).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });

    const dashboard = client(hub, hub.tokens.dashboard);
    await dashboard.connect();
    await expect(dashboard.subscribe('#', { since: 'last' })).resolves.toHaveLength(1);
    await expect(dashboard.publish('agent.ada.status', {})).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });

    const coordinator = client(hub, hub.tokens.coordinator);
    await coordinator.connect();
    await expect(coordinator.publish('anything.at.all', 1)).resolves.toBeTruthy();

    await expect(client(hub, 'not-a-token').connect()).rejects.toMatchObject({
      code: ErrorCode.AUTHENTICATION_FAILED,
    });
  });

  it('falls back to a free port when the one asked for is taken, if allowed', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    await expect(start({ port: taken })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const hub = await start({ port: taken, portFallback: true });
    expect(hub.port).not.toBe(taken);
    expect(hub.url).toBe(`ws://127.0.0.1:${hub.port}/ws`);
  });

  it('restarts on the same port with a new log and the same tokens', async () => {
    const hub = await start();
    const epoch = hub.router.epoch;
    const next = await hub.restart();
    hubs.push(next);
    expect(next.port).toBe(hub.port);
    expect(next.tokens).toEqual(hub.tokens);
    expect(next.router.epoch).not.toBe(epoch);
    expect((await fetch(`${next.httpUrl}/health`)).status).toBe(200);
  });
});

describe('the engine option', () => {
  it('runs the hub on the engine it makes, a new one per start', async () => {
    const made: MemoryEngine[] = [];
    const engine = () => {
      made.push(new MemoryEngine());
      return made.at(-1)!;
    };
    const hub = await start({ engine });
    expect(hub.router.engine).toBe(made[0]);
    const again = await hub.restart();
    hubs.splice(hubs.indexOf(hub), 1, again);
    expect(made).toHaveLength(2);
    expect(again.router.engine).toBe(made[1]);
  });
});
