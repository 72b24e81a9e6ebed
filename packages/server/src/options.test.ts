import { CloseCode, ErrorCode, MAX_TIMER_MS } from '@switchboard/protocol';
import { MemoryEngine } from '@switchboard/router';
import { describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const { hub, peer, welcomed } = useHubFixture();

describe('WSServer option names', () => {
  it('takes the seed names authTimeout and heartbeatInterval for authTimeoutMs and heartbeatIntervalMs', () => {
    const server = new WSServer({ authTimeout: 150, heartbeatInterval: 2_000 });
    expect(server.options).toMatchObject({ authTimeoutMs: 150, heartbeatIntervalMs: 2_000 });
    expect(server.options).not.toHaveProperty('authTimeout');
    expect(server.options).not.toHaveProperty('heartbeatInterval');
    const same = new WSServer({ authTimeoutMs: 150, authTimeout: 150 });
    expect(same.options.authTimeoutMs).toBe(150);
  });

  it('throws a TypeError naming both when an alias and its canonical name disagree', () => {
    expect(() => new WSServer({ authTimeoutMs: 100, authTimeout: 200 })).toThrow(
      /"authTimeoutMs" and "authTimeout" conflict/,
    );
    expect(() => new WSServer({ heartbeatIntervalMs: 100, heartbeatInterval: 200 })).toThrow(
      /"heartbeatIntervalMs" and "heartbeatInterval" conflict/,
    );
  });

  it('refuses the renamed shutdownTimeout instead of ignoring it', () => {
    expect(() => new WSServer({ shutdownTimeout: 100 } as never)).toThrow(
      new TypeError('WSServer option "shutdownTimeout" was renamed "shutdownTimeoutMs"'),
    );
    expect(new WSServer({ shutdownTimeoutMs: 100 }).options.shutdownTimeoutMs).toBe(100);
  });

  it('checks durations as whole milliseconds a timer can wait, under the name given', () => {
    for (const value of [0, 1.5, MAX_TIMER_MS + 1, '10']) {
      expect(() => new WSServer({ authTimeoutMs: value as number })).toThrow(/"authTimeoutMs"/);
      expect(() => new WSServer({ shutdownTimeoutMs: value as number })).toThrow(
        /"shutdownTimeoutMs"/,
      );
    }
    expect(() => new WSServer({ heartbeatInterval: -1 })).toThrow(/"heartbeatInterval" must/);
    expect(() => new WSServer({ name: 7 as never })).toThrow(/"name" must be a string/);
  });

  it('closes a socket that never authenticates after authTimeout (the seed name) with 4002', async () => {
    const { url } = await hub({ authenticate: () => false, authTimeout: 150 });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1] });
    expect((await p.next('error')).code).toBe(ErrorCode.AUTHENTICATION_TIMEOUT);
    expect((await p.closed).code).toBe(CloseCode.AUTHENTICATION_TIMEOUT);
  });

  it('announces heartbeatInterval (the seed name) as heartbeatIntervalMs in welcome', async () => {
    const { url } = await hub({ heartbeatInterval: 2_000 });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1] });
    expect((await p.next('welcome')).heartbeatIntervalMs).toBe(2_000);
  });
});

describe('maxSubscriptionsPerClient', () => {
  it('is a WSRouter option', async () => {
    const { url, router } = await hub({}, { maxSubscriptionsPerClient: 1 });
    expect(router.options.maxSubscriptionsPerClient).toBe(1);
    const p = await welcomed(url);
    p.send({ type: 'subscribe', id: 'two', topics: ['a', 'b'] });
    expect(await p.reply('two')).toMatchObject({
      type: 'error',
      code: ErrorCode.TOO_MANY_SUBSCRIPTIONS,
    });
  });

  it('given to WSServer, is handed to the router that attaches', () => {
    const server = new WSServer({ maxSubscriptionsPerClient: 3 });
    expect(new WSRouter(server).options.maxSubscriptionsPerClient).toBe(3);
    expect(new WSRouter(new WSServer()).options.maxSubscriptionsPerClient).toBe(1_000);
  });

  it('given to both with different values, is a TypeError and leaves the server without a router', async () => {
    const server = new WSServer({ maxSubscriptionsPerClient: 3 });
    expect(() => new WSRouter(server, { maxSubscriptionsPerClient: 4 })).toThrow(
      /WSRouter option "maxSubscriptionsPerClient" \(4\) and WSServer option "maxSubscriptionsPerClient" \(3\) conflict/,
    );
    const router = new WSRouter(server, { maxSubscriptionsPerClient: 3 });
    expect(router.options.maxSubscriptionsPerClient).toBe(3);
    await router.close();
  });
});

describe('WSRouter options', () => {
  it('rejects bad values with a TypeError naming the option', () => {
    const server = () => new WSServer();
    expect(() => new WSRouter(server(), { queueSize: 0 })).toThrow(/"queueSize"/);
    expect(() => new WSRouter(server(), { queueBytes: 1.5 })).toThrow(/"queueBytes"/);
    expect(() => new WSRouter(server(), { maxReplay: -1 })).toThrow(/"maxReplay"/);
    expect(() => new WSRouter(server(), { replayQueueBytes: 0 })).toThrow(/"replayQueueBytes"/);
    expect(() => new WSRouter(server(), { slowConsumerPolicy: 'pray' as never })).toThrow(
      /"slowConsumerPolicy" must be one of "drop-oldest", "disconnect"/,
    );
  });

  it('hands every history bound to the default engine, and refuses them beside a supplied engine', () => {
    const router = new WSRouter(new WSServer(), {
      history: { historySize: 5, historyBytes: 4096, retainedBytes: 2048 },
    });
    return (async () => {
      for (let i = 0; i < 10; i++) await router.publish(`t.${i}`, 'x'.repeat(1000));
      const stats = router.engine.stats();
      expect(stats.historySize).toBeLessThanOrEqual(4);
      expect(stats.historyBytes).toBeLessThanOrEqual(4096);
      expect(stats.retainedBytes).toBeLessThanOrEqual(2048);
      await router.close();
      expect(
        () =>
          new WSRouter(new WSServer(), {
            engine: new MemoryEngine(),
            history: { historySize: 5 },
          }),
      ).toThrow(/"engine" and "history" conflict/);
      expect(() => new WSRouter(new WSServer(), { history: { historySise: 5 } as never })).toThrow(
        /"historySise"/,
      );
    })();
  });
});

describe('budgets', () => {
  it('have documented defaults', () => {
    expect(new WSServer().options).toMatchObject({
      readBudgetFrames: 64,
      readBudgetBytes: 65_536,
      replyQueueBytes: 8_388_608,
      preAuthBytes: 65_536,
      preAuthFrames: 100,
      upgradeTimeoutMs: 5_000,
      requireOrigin: false,
    });
    expect(new WSServer().options.maxConnectionsPerIp).toBeUndefined();
    expect(new WSServer().options.allowedOrigins).toBeUndefined();
    expect(new WSRouter(new WSServer()).options.replayQueueBytes).toBe(65_536);
  });

  it('reject bad values with a TypeError naming the option', () => {
    for (const key of [
      'readBudgetFrames',
      'readBudgetBytes',
      'replyQueueBytes',
      'preAuthBytes',
      'preAuthFrames',
    ] as const) {
      for (const value of [0, 1.5, '10']) {
        expect(() => new WSServer({ [key]: value as number })).toThrow(new RegExp(`"${key}"`));
      }
    }
    expect(() => new WSServer({ upgradeTimeoutMs: MAX_TIMER_MS + 1 })).toThrow(
      /"upgradeTimeoutMs"/,
    );
  });
});
