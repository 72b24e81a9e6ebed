import { WSClient } from '@switchboard/client';
import { ErrorCode, METRICS_TOPIC } from '@switchboard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { expectExit, runCli } from '../testing/cli-process.ts';
import { cleanUpAfterEachTest, startServe } from '../testing/test-hub.ts';

cleanUpAfterEachTest();
const clients: WSClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
});

const ADMIN_TOKEN = 'admin-token-0123456789';
const TOKENS = 'ops:ops-secret,agent:agent-secret';

async function serveAdmin(extra: string[] = [], env: Record<string, string> = {}) {
  const serve = await startServe(['--port', '0', '--admin', ...extra], {
    env: { SWITCHBOARD_TOKENS: TOKENS, SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
  });
  const line = await serve.run.stdout.waitForLine(/^admin page: /, 'serve --admin');
  const admin = line.replace('admin page: ', '').replace(/ \(.*\)$/, '');
  return { ...serve, admin };
}

function connect(url: string, token: string): Promise<WSClient> {
  const client = new WSClient({ url, token, reconnect: false });
  clients.push(client);
  return client.connect().then(() => client);
}

describe('switchboard serve --admin', () => {
  it('refuses to start the admin page without an admin token (exit 2, before listening)', async () => {
    await expectExit(
      ['serve', '--port', '0', '--admin'],
      2,
      /config\.admin\.token: the admin page needs its own token: --admin-token, SWITCHBOARD_ADMIN_TOKEN or admin\.token/,
    );
    await expectExit(
      ['serve', '--port', '0', '--admin', '--admin-token', 'short'],
      2,
      /at least 16/,
    );
    await expectExit(
      ['serve', '--port', '0', '--admin', '--admin-token', 'ops-secret-000000000'],
      2,
      /also a client token/,
      { env: { SWITCHBOARD_TOKENS: 'ops:ops-secret-000000000' } },
    );
  });

  it('is off by default: /admin is a 404', async () => {
    const { health } = await startServe(['--port', '0'], { env: { SWITCHBOARD_TOKENS: TOKENS } });
    expect((await fetch(new URL('/admin', health))).status).toBe(404);
    expect((await fetch(new URL('/admin/api/clients', health))).status).toBe(404);
  });

  it('serves the page with a strict CSP, and the clients API only with the admin token', async () => {
    const { admin, url } = await serveAdmin();
    const page = await fetch(admin);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    const html = await page.text();
    expect(html).not.toContain(ADMIN_TOKEN);
    const script = await fetch(new URL('/admin/admin.js', admin));
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(10_000);

    const api = new URL('/admin/api/clients', admin);
    expect((await fetch(api)).status).toBe(401);
    expect((await fetch(api, { headers: { authorization: 'Bearer ops-secret' } })).status).toBe(
      401,
    );

    const agent = await connect(url, 'agent-secret');
    await agent.subscribe(['task.#', 'agent.7.#']);
    const response = await fetch(api, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const report = (await response.json()) as {
      clients: { principal: string; subscriptions: string[]; queuedMessages: number }[];
      stats: { connections: number };
    };
    expect(report.clients).toEqual([
      expect.objectContaining({
        principal: 'agent',
        subscriptions: ['task.#', 'agent.7.#'],
        queuedMessages: 0,
      }),
    ]);
    expect(report.stats.connections).toBe(1);
  });

  it('the admin token connects as a principal that reads everything and publishes nothing', async () => {
    const { url } = await serveAdmin(['--kpi-interval-ms', '50']);
    const admin = await connect(url, ADMIN_TOKEN);
    await admin.subscribe(['#']);
    const snapshot = new Promise((resolve) => admin.on(`event:${METRICS_TOPIC}`, resolve));
    await expect(admin.publish('task.1.created', {})).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
    // --kpi-interval-ms reaches the hub: a snapshot comes within the test's bounds.
    expect(await snapshot).toMatchObject({ topic: METRICS_TOPIC });
  });

  it('--print-config blanks the admin token and shows the kpi interval', async () => {
    const result = await runCli(['serve', '--print-config', '--admin', '--kpi-interval-ms', '0'], {
      env: { SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    const config = JSON.parse(result.stdout);
    expect(config.admin).toEqual({ enabled: true, token: '***' });
    expect(config.kpi).toEqual({ intervalMs: 0 });
  });
});
