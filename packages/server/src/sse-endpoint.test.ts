import { afterEach, describe, expect, it } from 'vitest';
import type { WSRouterOptions } from './router-options.ts';
import { SseStream, send } from './test-support/sse-stream.ts';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const servers: WSServer[] = [];
const streams: SseStream[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.destroy();
  await Promise.all(servers.splice(0).map((server) => server.shutdown(200)));
});

async function hub(
  options: ConstructorParameters<typeof WSServer>[0] = {},
  routerOptions: WSRouterOptions = {},
) {
  const server = new WSServer({ port: 0, ...options });
  const router = new WSRouter(server, routerOptions);
  await server.start();
  servers.push(server);
  return { server, router, base: `http://127.0.0.1:${server.port}` };
}

async function open(base: string, path = '/sse', headers: Record<string, string> = {}) {
  const stream = await SseStream.open(base, path, headers);
  streams.push(stream);
  return stream;
}

const HELLO = { type: 'hello', versions: [1] };

/** A session past its welcome, subscribed to `pattern`. */
async function subscribed(base: string, pattern: string): Promise<SseStream> {
  const stream = await open(base);
  await stream.until((s) => s.session !== '');
  expect(
    (await stream.postFrames(HELLO, { type: 'subscribe', id: 's', topics: [pattern] })).status,
  ).toBe(204);
  await stream.until((s) => s.frames.some((f) => f.type === 'ack' && f.id === 's'));
  return stream;
}

function eventIds(stream: SseStream): number[] {
  return stream.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
}

function published(stream: SseStream): number[] {
  return stream.frames.filter((f) => f.type === 'event').map((f) => (f.data as { n: number }).n);
}

describe('the HTTP fallback (SSE down, POST up)', () => {
  it('opens a session, answers hello over POST and streams frames as events with rising ids', async () => {
    const { base, router } = await hub();
    const stream = await subscribed(base, 'jobs.*');
    expect(stream.status).toBe(200);
    expect(stream.response?.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.events[0]!.event).toBe('session');
    expect(stream.session).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(stream.frames[0]).toMatchObject({ type: 'welcome', version: 1 });
    for (let n = 0; n < 5; n++) await router.publish('jobs.a', { n });
    await stream.until((s) => published(s).length === 5);
    expect(published(stream)).toEqual([0, 1, 2, 3, 4]);
    const ids = eventIds(stream);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
  });

  it('reopened with Last-Event-ID after its stream broke, it gets every event once, in order', async () => {
    const { base, router, server } = await hub();
    const stream = await subscribed(base, 'jobs.*');
    for (let n = 0; n < 200; n++) void router.publish('jobs.a', { n, pad: 'x'.repeat(200) });
    await stream.until((s) => published(s).length >= 20);
    stream.destroy();
    await stream.until((s) => s.ended).catch(() => {});
    const read = eventIds(stream);
    const last = read[read.length - 1]!;
    for (let n = 200; n < 300; n++) await router.publish('jobs.a', { n });
    const reopened = await open(base, `/sse?session=${stream.session}`, {
      'last-event-id': String(last),
    });
    expect(reopened.status).toBe(200);
    await reopened.until((s) => published(stream).length + published(s).length >= 300);
    expect([...published(stream), ...published(reopened)]).toEqual(
      Array.from({ length: 300 }, (_, n) => n),
    );
    expect([...read, ...eventIds(reopened)]).toEqual(
      Array.from({ length: read.length + eventIds(reopened).length }, (_, i) => i + 1),
    );
    // The same connection all along: one session, never closed.
    expect(server.getConnectedClients()).toHaveLength(1);
  });

  it('reopened past what it kept (resumeBytes), it answers 410 RESUME_FAILED and closes the session', async () => {
    const { base, router, server } = await hub({ sse: { resumeBytes: 0 } });
    const stream = await subscribed(base, 'jobs.*');
    for (let n = 0; n < 3; n++) await router.publish('jobs.a', { n });
    await stream.until((s) => published(s).length === 3);
    const closed = new Promise<number>((resolve) =>
      server.once('disconnect', (_info, code) => resolve(code)),
    );
    stream.destroy();
    const reopened = await open(base, `/sse?session=${stream.session}`, { 'last-event-id': '1' });
    await reopened.until((s) => s.ended);
    expect(reopened.status).toBe(410);
    expect(JSON.parse(reopened.body)).toMatchObject({ code: 'RESUME_FAILED' });
    expect(await closed).toBe(1006);
  });

  it('answers unknown sessions 404, other methods 405 and CORS preflights of allowed origins', async () => {
    const { base } = await hub({ allowedOrigins: ['https://app.example.com'] });
    const post = await send(base, 'POST', '/sse?session=nope', '{}');
    expect(post.status).toBe(404);
    expect(JSON.parse(post.body)).toMatchObject({ code: 'NOT_FOUND' });
    expect((await send(base, 'GET', '/sse?session=nope')).status).toBe(404);
    const put = await send(base, 'PUT', '/sse');
    expect(put.status).toBe(405);
    expect(JSON.parse(put.body)).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    const preflight = await send(base, 'OPTIONS', '/sse', undefined, {
      origin: 'https://app.example.com',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/last-event-id/);
    const refused = await open(base, '/sse', { origin: 'https://evil.example.com' });
    await refused.until((s) => s.ended);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('closes with 1009 on a line over the message limit, as a WebSocket does', async () => {
    const { base, server } = await hub();
    const stream = await open(base);
    await stream.until((s) => s.session !== '');
    const closed = new Promise<number>((resolve) =>
      server.once('disconnect', (_info, code) => resolve(code)),
    );
    // Before welcome the limit is twice the pre-authentication size (64 KiB).
    const answer = await stream.post(`{"type":"hello","pad":"${'x'.repeat(200_000)}"}`);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await closed).toBe(1009);
    await stream.until((s) => s.ended);
    const close = stream.events.find((e) => e.event === 'close');
    expect(JSON.parse(close!.data)).toMatchObject({ code: 1009 });
  });

  it('a DELETE closes the session with the code the client gave', async () => {
    const { base, server } = await hub();
    const stream = await subscribed(base, 'a');
    const closed = new Promise<[number, string]>((resolve) =>
      server.once('disconnect', (_info, code, reason) => resolve([code, reason])),
    );
    const answer = await send(
      base,
      'DELETE',
      `/sse?session=${stream.session}&code=4000&reason=bye`,
    );
    expect(answer.status).toBe(204);
    expect(await closed).toEqual([4000, 'bye']);
    await stream.until((s) => s.ended);
    expect((await stream.postFrames({ type: 'ping' })).status).toBe(404);
  });

  it('is off with sse: false, and on its own path with sse.path', async () => {
    const off = await hub({ sse: false });
    expect((await send(off.base, 'GET', '/sse')).status).toBe(404);
    const moved = await hub({ path: '/hub', sse: { path: '/fallback' } });
    expect((await send(moved.base, 'GET', '/hub/sse')).status).toBe(404);
    const stream = await open(moved.base, '/fallback');
    expect(stream.status).toBe(200);
    const nested = await hub({ path: '/hub' });
    expect((await open(nested.base, '/hub/sse')).status).toBe(200);
  });

  it('counts sessions against maxConnections', async () => {
    const { base } = await hub({ maxConnections: 1 });
    await open(base);
    const second = await open(base);
    await second.until((s) => s.ended);
    expect(second.status).toBe(503);
    expect(JSON.parse(second.body)).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
  });

  it('closes a session whose stream does not come back within reattachTimeoutMs', async () => {
    const { base, server } = await hub({ sse: { reattachTimeoutMs: 100 } });
    const stream = await subscribed(base, 'a');
    const closed = new Promise<number>((resolve) =>
      server.once('disconnect', (_info, code) => resolve(code)),
    );
    stream.destroy();
    expect(await closed).toBe(1006);
    expect(server.getConnectedClients()).toHaveLength(0);
  });

  it('closes a session that does not read its stream as a slow consumer, its queue bounded', async () => {
    const { base, router, server } = await hub(
      {},
      { queueSize: 50, slowConsumerPolicy: 'disconnect' },
    );
    const stream = await subscribed(base, 'big');
    stream.response!.pause();
    const closed = new Promise<number>((resolve) =>
      server.once('disconnect', (_info, code) => resolve(code)),
    );
    const pad = 'x'.repeat(16 * 1024);
    for (let n = 0; n < 5_000; n++) await router.publish('big', { pad });
    // Closed 4004 once its queue passed 50 events; the close completes when the grace ends.
    expect(await closed).toBe(4004);
    expect(server.stats().delivered).toBeLessThan(200);
  });

  it('takes credentials as a WebSocket does: Authorization header or token query on the stream', async () => {
    const { base } = await hub({
      authenticate: (token) => (token === 'good' ? { id: 'agent-1' } : false),
    });
    for (const [path, headers] of [
      ['/sse', { authorization: 'Bearer good' }],
      ['/sse?token=good', {}],
    ] as const) {
      const stream = await open(base, path, headers);
      await stream.until((s) => s.session !== '');
      await stream.postFrames(HELLO);
      await stream.until((s) => s.frames.length > 0);
      expect(stream.frames[0]).toMatchObject({ type: 'welcome', principal: { id: 'agent-1' } });
    }
  });
});
