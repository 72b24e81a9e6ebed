import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisEngine } from '@switchboard/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { createHub } from './hub.ts';
import { ConfigError, loadConfig } from './load.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(value: unknown): string {
  const file = join(dir, `config-${++files}.json`);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the defaults of the packages without a file, variables or flags', () => {
    const { config } = loadConfig({ env: {}, flags: {} });
    expect(config).toMatchObject({
      name: 'switchboard',
      host: '127.0.0.1',
      port: 8080,
      heartbeatIntervalMs: 30_000,
      auth: { allowAnonymous: false, timeoutMs: 10_000 },
      limits: { maxConnections: 10_000, maxPayload: 1_048_576, slowConsumerPolicy: 'drop-oldest' },
      history: { historySize: 10_000, historyTtlMs: 300_000 },
      engine: { type: 'memory' },
    });
  });

  it('takes flags over variables over the file over defaults, key by key', () => {
    const file = configFile({ port: 1000, name: 'from-file', limits: { maxPayload: 111 } });
    const env = { SWITCHBOARD_PORT: '2000', SWITCHBOARD_MAX_PAYLOAD: '222' };
    const all = loadConfig({ file, env, flags: { port: '3000' } });
    expect(all.config).toMatchObject({
      port: 3000,
      name: 'from-file',
      limits: { maxPayload: 222 },
    });
    expect(all.origins.get('port')).toBe('--port');
    expect(all.origins.get('limits.maxPayload')).toBe('SWITCHBOARD_MAX_PAYLOAD');
    expect(loadConfig({ file, env, flags: {} }).config.port).toBe(2000);
    expect(loadConfig({ file, env: {}, flags: {} }).config).toMatchObject({
      port: 1000,
      limits: { maxPayload: 111, maxConnections: 10_000 },
    });
  });

  it('reads the file named by SWITCHBOARD_CONFIG when --config is absent', () => {
    const file = configFile({ name: 'by-env' });
    expect(loadConfig({ env: { SWITCHBOARD_CONFIG: file }, flags: {} }).config.name).toBe('by-env');
  });

  it('names the field, the problem and the file of a bad value', () => {
    const file = configFile({ limits: { maxConnections: -1 } });
    expect(problemsOf(() => loadConfig({ file, env: {}, flags: {} }))).toEqual([
      `config.limits.maxConnections: expected a positive integer (in ${file})`,
    ]);
  });

  it('names the variable or flag a bad value came from', () => {
    const env = { SWITCHBOARD_MAX_CONNECTIONS: 'lots' };
    expect(problemsOf(() => loadConfig({ env, flags: { historySize: '0' } }))).toEqual([
      'config.limits.maxConnections: expected a positive integer (from SWITCHBOARD_MAX_CONNECTIONS)',
      'config.history.historySize: expected a positive integer (from --history-size)',
    ]);
  });

  it('refuses unknown keys instead of ignoring them', () => {
    const file = configFile({ limits: { maxConection: 5 }, prot: 1 });
    expect(problemsOf(() => loadConfig({ file, env: {}, flags: {} }))).toEqual([
      `config.limits: unknown key "maxConection" (in ${file})`,
      `config: unknown key "prot" (in ${file})`,
    ]);
  });

  it('checks the patterns of every token', () => {
    const file = configFile({
      auth: { tokens: [{ token: 't', id: 'a', publish: ['agent.7.#', 'agent.7*'] }] },
    });
    const [problem] = problemsOf(() => loadConfig({ file, env: {}, flags: {} }));
    expect(problem).toMatch(/^config\.auth\.tokens\.0\.publish\.1: invalid pattern "agent\.7\*"/);
  });

  it('says when a required key is missing', () => {
    const file = configFile({ tls: { cert: 'c.pem' } });
    const [problem] = problemsOf(() => loadConfig({ file, env: {}, flags: {} }));
    expect(problem).toMatch(/^config\.tls\.key: is required/);
  });

  it('reads SWITCHBOARD_TOKENS as id:token pairs or as the JSON list', () => {
    const short = loadConfig({ env: { SWITCHBOARD_TOKENS: 'ops:s3cret, agent-7:abc' }, flags: {} });
    expect(short.config.auth.tokens).toEqual([
      { id: 'ops', token: 's3cret' },
      { id: 'agent-7', token: 'abc' },
    ]);
    const json = loadConfig({
      env: { SWITCHBOARD_TOKENS: '[{"id":"a","token":"t","subscribe":["task.#"]}]' },
      flags: {},
    });
    expect(json.config.auth.tokens).toEqual([{ id: 'a', token: 't', subscribe: ['task.#'] }]);
    expect(
      problemsOf(() => loadConfig({ env: { SWITCHBOARD_TOKENS: 'nocolon' }, flags: {} })),
    ).toEqual(['SWITCHBOARD_TOKENS: expected "id:token" pairs separated by commas, got "nocolon"']);
  });

  it('resolves TLS files named in a config file relative to that file', () => {
    const file = configFile({ tls: { cert: 'cert.pem', key: 'keys/key.pem' } });
    expect(loadConfig({ file, env: {}, flags: {} }).config.tls).toEqual({
      cert: join(dir, 'cert.pem'),
      key: join(dir, 'keys/key.pem'),
    });
  });

  it('says what is wrong with a file that is not JSON or not there', () => {
    const file = configFile('{ "port": 80, }');
    expect(problemsOf(() => loadConfig({ file, env: {}, flags: {} }))[0]).toMatch(
      new RegExp(`^${file.replace(/[.]/g, '\\.')} is not valid JSON: `),
    );
    expect(
      problemsOf(() => loadConfig({ file: join(dir, 'nope.json'), env: {}, flags: {} }))[0],
    ).toMatch(/^cannot read config file .*nope\.json: ENOENT/);
  });
});

describe('createHub builds what the config names, refusing what it cannot honour', () => {
  it('builds a redis engine with the history bounds, not opened until the hub starts', async () => {
    const { config } = loadConfig({
      env: {
        SWITCHBOARD_ENGINE: 'redis',
        SWITCHBOARD_ENGINE_URL: 'redis://127.0.0.1:1',
        SWITCHBOARD_HISTORY_BYTES: '4096',
      },
      flags: { engineKeyPrefix: 'hub-a' },
    });
    expect(config.engine).toEqual({
      type: 'redis',
      url: 'redis://127.0.0.1:1',
      keyPrefix: 'hub-a',
    });
    const hub = createHub(config);
    expect(hub.router.engine).toBeInstanceOf(RedisEngine);
    expect(hub.router.engine.stats).toBeTypeOf('function');
    await hub.router.close();
  });

  it('refuses an engine URL that is not redis:// and names the field', () => {
    expect(
      problemsOf(() =>
        loadConfig({
          env: { SWITCHBOARD_ENGINE: 'redis', SWITCHBOARD_ENGINE_URL: 'http://x' },
          flags: {},
        }),
      ),
    ).toEqual([
      'config.engine.url: expected a redis:// or rediss:// URL (from SWITCHBOARD_ENGINE_URL)',
    ]);
  });

  it('builds a JWT check from the config and lists from variables', async () => {
    const { config } = loadConfig({
      env: {
        SWITCHBOARD_JWT_SECRET: 'x'.repeat(32),
        SWITCHBOARD_JWT_ALGORITHMS: 'HS256, HS512',
        SWITCHBOARD_JWT_ISSUER: 'https://issuer.example',
      },
      flags: { jwtClockToleranceMs: '2000' },
    });
    expect(config.auth.jwt).toEqual({
      secret: 'x'.repeat(32),
      algorithms: ['HS256', 'HS512'],
      issuer: 'https://issuer.example',
      clockToleranceMs: 2000,
    });
    const hub = createHub(config);
    await expect(hub.server.options.authenticate?.('not-a-jwt', {} as never)).rejects.toThrow(
      /AUTHENTICATION_FAILED|malformed|Invalid/i,
    );
    await hub.router.close();
  });

  it('refuses JWT settings it cannot use, naming the field', () => {
    const load = (env: Record<string, string>) => loadConfig({ env, flags: {} }).config;
    expect(problemsOf(() => createHub(load({ SWITCHBOARD_JWT_SECRET: 'short' })))[0]).toMatch(
      /^config\.auth\.jwt: .*"secret".*32 bytes/,
    );
    expect(
      problemsOf(() =>
        createHub(
          load({ SWITCHBOARD_JWT_SECRET: 'x'.repeat(32), SWITCHBOARD_JWT_JWKS_URL: 'https://k/' }),
        ),
      ),
    ).toEqual([
      'config.auth.jwt: needs exactly one of secret, publicKey and jwksUrl, got secret and jwksUrl',
    ]);
    expect(
      problemsOf(() =>
        createHub(load({ SWITCHBOARD_JWT_SECRET: 'x'.repeat(32), SWITCHBOARD_TOKENS: 'a:b' })),
      ),
    ).toEqual([
      'config.auth.jwt: conflicts with auth.tokens (a hub checks one kind of credential); drop one of them',
    ]);
    expect(
      problemsOf(() =>
        loadConfig({ env: { SWITCHBOARD_JWT_CLOCK_TOLERANCE_MS: '-1' }, flags: {} }),
      ),
    ).toEqual([
      'config.auth.jwt.clockToleranceMs: expected a whole number of milliseconds (from SWITCHBOARD_JWT_CLOCK_TOLERANCE_MS)',
    ]);
  });

  it('reads a JWT public key from a file relative to the config file', () => {
    const file = configFile({ auth: { jwt: { publicKey: 'keys/jwt.pem' } } });
    expect(loadConfig({ file, env: {}, flags: {} }).config.auth.jwt?.publicKey).toBe(
      join(dir, 'keys/jwt.pem'),
    );
  });

  it('turns metrics on and sets the log level', async () => {
    const { config } = loadConfig({
      env: { SWITCHBOARD_METRICS: 'true' },
      flags: { logLevel: 'silent' },
    });
    expect(config).toMatchObject({ metrics: true, log: { level: 'silent' } });
    const hub = createHub(config);
    expect(hub.server.metricsRegistry).toBeDefined();
    await hub.router.close();
    expect(
      problemsOf(() => loadConfig({ env: { SWITCHBOARD_LOG_LEVEL: 'loud' }, flags: {} })),
    ).toEqual([
      'config.log.level: expected one of fatal, error, warn, info, debug, trace, silent (from SWITCHBOARD_LOG_LEVEL)',
    ]);
  });

  it('refuses allowAnonymous next to tokens, and a token listed twice', () => {
    const file = configFile({
      auth: {
        allowAnonymous: true,
        tokens: [
          { token: 't', id: 'a' },
          { token: 't', id: 'b' },
        ],
      },
    });
    const { config } = loadConfig({ file, env: {}, flags: {} });
    expect(problemsOf(() => createHub(config))).toEqual([
      'config.auth.allowAnonymous: conflicts with auth.tokens (a hub with tokens asks every client for one); drop one of them',
      'config.auth.tokens.1.token: the same token is listed twice',
    ]);
  });

  it("reports the server's own TypeError as a config problem", () => {
    const file = configFile({
      limits: {
        rateLimit: { maxMessages: 5, windowMs: 1000, messages: { maxMessages: 1, windowMs: 1 } },
      },
    });
    const { config } = loadConfig({ file, env: {}, flags: {} });
    expect(problemsOf(() => createHub(config))[0]).toMatch(/^config: .*rateLimit/);
  });
});
