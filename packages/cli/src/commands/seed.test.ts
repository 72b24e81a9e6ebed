import { cutConnection } from '@switchboard/server/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { bounded, runCli, startCli } from '../testing/cli-process.ts';
import { cleanUpAfterEachTest, startTestHub, type TestHub } from '../testing/test-hub.ts';

cleanUpAfterEachTest();
let hub: TestHub;
beforeEach(async () => {
  hub = await startTestHub();
});

describe('switchboard websocket support', () => {
  it('says what this Node supports, under the seed namespace too', async () => {
    const plain = await runCli(['websocket', 'support']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^native WebSocket +(yes|no): /m);
    expect(plain.stdout).toMatch(/^WebSocket in use +ws \d+\.\d+\.\d+: /m);
    expect(plain.stdout).toMatch(/^protocol +versions 1 \(subprotocol switchboard\.v1\.json\)$/m);
    const json = JSON.parse((await runCli(['support', '--json'])).stdout);
    const major = Number(process.versions.node.split('.')[0]);
    // Node 20 has globalThis.WebSocket only behind --experimental-websocket; 22+ by default.
    expect(json.nativeWebSocket.available).toBe(major >= 22);
    expect(json).toMatchObject({ node: process.version, protocol: { versions: [1] } });
    expect(json.tls.openssl).toBe(process.versions.openssl);
  });
});

describe('switchboard websocket test', () => {
  it('passes with a ping round trip, and stays up idle for --heartbeat', async () => {
    const result = await runCli([
      'websocket',
      'test',
      hub.url,
      '--heartbeat',
      '300',
      '--timeout',
      '5000',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^PASS ws:\/\/127\.0\.0\.1:\d+: switchboard \S+, protocol v1, principal \S+; welcome in \d+\.\d ms, ping \d+\.\d ms, idle 300 ms then ping \d+\.\d ms\n$/,
    );
  });

  it('fails with exit 3 when nobody listens and 4 when the hub refuses the token', async () => {
    const { port } = new URL(hub.url);
    await hub.close();
    const down = await runCli(['test', `ws://127.0.0.1:${port}`, '--json']);
    expect(down.code).toBe(3);
    expect(JSON.parse(down.stdout)).toMatchObject({ ok: false });
    hub = await startTestHub({ authenticate: (token) => token === 'right' });
    const refused = await runCli(['test', hub.url, '--token', 'wrong']);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toMatch(/^FAIL .*AUTHENTICATION_FAILED/);
    expect((await runCli(['test', hub.url, '--token', 'right'])).code).toBe(0);
  });
});

describe('switchboard websocket connect', () => {
  it('prints the lifecycle, reconnects after a drop, exits 0 on SIGINT', async () => {
    const connect = startCli(['websocket', 'connect', hub.url, '--heartbeat', '5000']);
    await connect.stdout.waitForLine(
      / connected \S+ as \S+ \(protocol v1, switchboard /,
      'connected',
    );
    const [client] = hub.server.getConnectedClients();
    cutConnection(hub.server, client!.id);
    await connect.stdout.waitForLine(/ disconnected 1006, will reconnect$/, 'the drop');
    await connect.stdout.waitForLine(/ reconnecting: attempt \d+ in \d+ ms$/, 'the reconnect');
    await connect.stdout.waitForLines(/ connected /, 2, 'connected again');
    await vi.waitFor(() => expect(hub.server.getConnectedClients()).toHaveLength(1), {
      timeout: 15_000,
    });
    connect.child.kill('SIGINT');
    expect(await bounded(connect, 'connect')).toBe(0);
    expect(connect.stdout.lines.at(-1)).toMatch(/ closed$/);
  });

  it('sends --name as the client name in hello', async () => {
    // The hub does not show hello's client name anywhere, so a bare WebSocket server
    // plays the hub here and reads the hello itself.
    const fake = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => fake.once('listening', resolve));
    const hello = new Promise<{ client?: { name?: string } }>((resolve) => {
      fake.on('connection', (socket) => {
        socket.once('message', (data) => {
          resolve(JSON.parse(String(data)));
          socket.send(
            JSON.stringify({
              type: 'welcome',
              version: 1,
              connectionId: 'c-1',
              principal: null,
              epoch: 'e1',
              heartbeatIntervalMs: 0,
              maxPayload: 1024,
              server: { name: 'fake', version: '0' },
            }),
          );
        });
      });
    });
    const { port } = fake.address() as { port: number };
    const connect = startCli(['connect', `ws://127.0.0.1:${port}`, '--name', 'my-client']);
    try {
      expect((await hello).client?.name).toBe('my-client');
      await connect.stdout.waitForLine(
        / connected c-1 as anonymous \(protocol v1, fake 0\)$/,
        'connected',
      );
      connect.child.kill('SIGTERM');
      expect(await bounded(connect, 'connect')).toBe(0);
    } finally {
      fake.close();
    }
  });

  it('prints JSON lifecycle events and stops after --duration', async () => {
    const result = await runCli(['connect', '--url', hub.url, '--json', '--duration', '300']);
    expect(result.code).toBe(0);
    const events = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.event)).toEqual(['connected', 'disconnected', 'closed']);
    expect(events[0]).toMatchObject({ version: 1, connectionId: expect.any(String) });
    expect(events[1]).toMatchObject({ code: 1000, willReconnect: false });
  });
});

describe('the seed status and monitor flags', () => {
  it('status --verbose --stats and monitor --stats run under the websocket namespace', async () => {
    const status = await runCli(['websocket', 'status', '--url', hub.url, '--verbose', '--stats']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^published +0$/m);
    expect(status.stdout).toMatch(/^stats url +http:\/\//m);
    const monitor = await runCli([
      'websocket',
      'monitor',
      hub.url,
      hub.url,
      '--stats',
      '--interval',
      '100',
      '--duration',
      '250',
    ]);
    expect(monitor.code).toBe(0);
    expect(
      monitor.stdout.split('\n').filter((l) => l.includes(' published=0 ')).length,
    ).toBeGreaterThanOrEqual(2);
  });
});
