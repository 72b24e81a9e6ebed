import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { rawSocketOf } from './raw-socket.ts';
import { RawPeer } from './test-support/raw-peer.ts';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const TOKEN = 'tok-SECRET-7d1f';
const PAYLOAD = 'PAYLOAD-SECRET-93ab';

/** A pino logger at debug whose lines land in `lines`. */
function capture(): {
  logger: pino.Logger;
  lines: string[];
  records: () => Record<string, unknown>[];
} {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: pino({ level: 'debug' }, stream),
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('logger', () => {
  it('logs the lifecycle with codes, and never a token or a payload', async () => {
    const { logger, lines, records } = capture();
    const server = new WSServer({
      port: 0,
      logger,
      authenticate: (token) => (token === TOKEN ? { id: 'alice' } : false),
    });
    const router = new WSRouter(server);
    await server.start();
    const url = server.url;

    const peer = await RawPeer.welcomed(url, TOKEN);
    peer.send({ type: 'subscribe', id: 's', topics: ['t'] });
    await peer.reply('s');
    peer.send({ type: 'publish', id: 'p', topic: 't', data: { secret: PAYLOAD } });
    await peer.reply('p');
    await peer.next('event');
    // A frame that is not JSON: its error message quotes it.
    peer.send(`{"type":"publish","data":"${PAYLOAD}" oops`);
    await peer.next('error');
    peer.send({ type: 'publish', id: 'bad', topic: 'a..b', data: PAYLOAD });
    await peer.next('error', 'bad');
    const refused = await RawPeer.open(url);
    refused.send({ type: 'hello', versions: [1], token: `${TOKEN}-wrong` });
    await refused.closed;

    const closed = new Promise((resolve) => server.once('disconnection', resolve));
    await peer.close();
    await closed;
    await server.shutdown(500);
    await router.close();

    const all = lines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(PAYLOAD);
    const events = records();
    const of = (event: string) => events.filter((record) => record.event === event);
    expect(of('listening')[0]).toMatchObject({ level: 30, url });
    expect(of('authenticated')[0]).toMatchObject({ level: 30, principalId: 'alice' });
    expect(of('refusal').map((record) => record.code)).toEqual(
      expect.arrayContaining(['INVALID_MESSAGE', 'INVALID_TOPIC', 'AUTHENTICATION_FAILED']),
    );
    expect(of('refusal').find((record) => record.code === 'INVALID_MESSAGE')).not.toHaveProperty(
      'detail',
    );
    const closes = of('disconnection');
    expect(closes.map((record) => record.code)).toEqual(expect.arrayContaining([1005, 4001]));
    expect(closes.find((record) => record.code === 4001)).toMatchObject({
      reasonCode: 'AUTHENTICATION_FAILED',
    });
    expect(of('shutdown')).toHaveLength(1);
    expect(of('shutdown-complete')).toHaveLength(1);
  });

  it('logs a slow consumer once, counts every drop, and totals them when it goes', async () => {
    const { logger, records } = capture();
    const server = new WSServer({ port: 0, logger, metrics: { defaultMetrics: false } });
    const router = new WSRouter(server, { queueSize: 10, queueBytes: 16_384 });
    await server.start();
    try {
      const peer = await RawPeer.welcomed(server.url);
      peer.send({ type: 'subscribe', id: 's', topics: ['load.#'] });
      await peer.reply('s');
      rawSocketOf(peer.socket)!.pause();
      let drops = 0;
      const dropped = new Promise<void>((resolve) =>
        router.on('message-dropped', () => {
          drops += 1;
          if (drops === 20) resolve();
        }),
      );
      const payload = 'z'.repeat(4096);
      for (let i = 0; i < 2_000 && drops < 20; i += 1)
        await router.publish('load.a', { i, payload });
      await dropped;
      const metrics = await server.metricsRegistry!.getSingleMetricAsString(
        'switchboard_dropped_total',
      );
      expect(metrics).toContain(
        `switchboard_dropped_total{reason="slow_consumer"} ${router.stats().dropped}`,
      );
      const queued = await server.metricsRegistry!.getSingleMetricAsString(
        'switchboard_outbound_queue_bytes',
      );
      expect(Number(/ (\d+)$/m.exec(queued)?.[1])).toBeGreaterThan(0);
      expect(records().filter((record) => record.event === 'slow-consumer')).toHaveLength(1);
      const gone = new Promise((resolve) => server.once('disconnection', resolve));
      rawSocketOf(peer.socket)!.destroy();
      await gone;
      const close = records().find((record) => record.event === 'disconnection');
      expect(close).toMatchObject({ code: 1006, dropped: router.stats().dropped });
    } finally {
      await server.shutdown(500);
      await router.close();
    }
  });

  it('is silent unless given, and takes { level } or refuses what it cannot use', () => {
    expect(() => new WSServer({ logger: { level: 'loud' as never } })).toThrow(/logger.level/);
    expect(() => new WSServer({ logger: { level: 'info', pretty: true } as never })).toThrow(
      /"pretty"/,
    );
    expect(() => new WSServer({ logger: 'info' as never })).toThrow(/"logger"/);
    expect(() => new WSServer({ logger: { level: 'silent' } })).not.toThrow();
  });
});
