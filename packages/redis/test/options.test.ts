import { ErrorCode } from '@switchboard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_ENGINE_DEFAULTS, RedisEngine, type RedisEngineOptions } from '../src/index.ts';
import { engineFixture } from './support/engines.ts';
import { freePort } from './support/redis-process.ts';
import { describeWithRedisServer } from './support/redis-service.ts';

const engines = engineFixture();
afterEach(() => engines.closeAll());

describe('RedisEngine options', () => {
  it.each<[RedisEngineOptions, RegExp]>([
    [{ historySize: 0 }, /"historySize" must be an integer >= 1/],
    [{ historyTtlMs: -1 }, /"historyTtlMs"/],
    [{ historyBytes: 0 }, /"historyBytes"/],
    [{ retainedBytes: -1 }, /"retainedBytes"/],
    [{ maxRetainedTopics: 1.5 }, /"maxRetainedTopics"/],
    [{ durability: 'fsync' as 'wait' }, /"durability" must be one of "none", "wait"/],
    [{ restartPolicy: 'maybe' as 'trust' }, /"restartPolicy"/],
    [{ keyPrefix: 'a{b}' }, /"keyPrefix" must be 1 to 100 characters/],
    [{ keyPrefix: '' }, /"keyPrefix"/],
    [{ url: 'http://127.0.0.1:6379' }, /"url" must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ url: 'redis://user:secret@' }, /"url"/],
    [{ blockMs: 0 }, /"blockMs"/],
    [
      { blockMs: 5_000, stallTimeoutMs: 5_000 },
      /stallTimeoutMs \(5000\) must be larger than blockMs/,
    ],
    [{ durability: 'wait', waitTimeoutMs: 5_000 }, /waitTimeoutMs \(5000\) must be smaller/],
    [{ now: 1 as unknown as () => number }, /"now" must be a function/],
    [{ historysize: 10 } as RedisEngineOptions, /unknown option "historysize"/],
  ])('refuses %o with a TypeError naming it', (options, message) => {
    expect(() => new RedisEngine(options)).toThrow(TypeError);
    expect(() => new RedisEngine(options)).toThrow(message);
  });

  it('never shows a password from the url in an error', () => {
    expect(() => new RedisEngine({ url: 'http://user:secret@host' })).toThrow(/:\*\*\*@/);
    expect(() => new RedisEngine({ url: 'http://user:secret@host' })).not.toThrow(/secret/);
  });

  it('documents its defaults', () => {
    expect(REDIS_ENGINE_DEFAULTS).toMatchObject({
      keyPrefix: 'switchboard',
      historySize: 10_000,
      historyTtlMs: 300_000,
      historyBytes: 64 * 1024 * 1024,
      maxRetainedTopics: 100_000,
      retainedBytes: 64 * 1024 * 1024,
      durability: 'none',
      restartPolicy: 'verify',
      blockMs: 1_000,
      stallTimeoutMs: 5_000,
    });
    expect(new RedisEngine().keyPrefix).toBe('switchboard');
  });

  it('connects to REDIS_URL when no url is given', async () => {
    const server = await engines.startServer(['--save', '', '--appendonly', 'no']);
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = server.url;
    try {
      const { engine } = engines.make({ url: undefined });
      await engine.open();
      expect(engine.head().offset).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });
});

describeWithRedisServer('RedisEngine open() and health()', () => {
  it('rejects open() with NOT_CONNECTED when Redis is not there, and a later open() retries', async () => {
    const port = await freePort();
    const { engine, errors } = engines.make({ url: `redis://127.0.0.1:${port}` });
    await expect(engine.open()).rejects.toMatchObject({ code: ErrorCode.NOT_CONNECTED });
    expect(() => engine.epoch).toThrow(expect.objectContaining({ code: ErrorCode.NOT_CONNECTED }));
    expect(engine.health()).toMatchObject({ ok: false, state: 'not-open' });
    await engines.startServer(['--save', '', '--appendonly', 'no'], port);
    await engine.open();
    expect(engine.health()).toMatchObject({ ok: true, state: 'live', head: 0, lag: 0 });
    const { entry } = await engine.append({ id: 'a', topic: 't', data: 1 });
    expect(entry).toMatchObject({ offset: 1, epoch: engine.epoch });
    await engine.close();
    expect(engine.health()).toMatchObject({ ok: false, state: 'closed' });
    // Connection trouble during the failed open is reported, nothing else.
    expect(errors.every((e) => (e as { code?: string }).code === ErrorCode.NOT_CONNECTED)).toBe(
      true,
    );
  });
});
