import { afterEach, describe, expect, it } from 'vitest';
import { WSServer } from './ws-server.ts';

const servers: WSServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.shutdown(500)));
});

async function start(options: ConstructorParameters<typeof WSServer>[0]) {
  const server = new WSServer(options);
  await server.start();
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

describe('httpHandler: more routes on the hub’s own HTTP server', () => {
  it('is asked after /health and /stats and before the 404', async () => {
    const seen: string[] = [];
    const base = await start({
      httpHandler: (request, response) => {
        seen.push(request.url ?? '');
        if (request.url !== '/extra') return false;
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('extra');
        return true;
      },
    });
    expect(await (await fetch(`${base}/extra`)).text()).toBe('extra');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(seen).toEqual(['/extra', '/nope']);
  });

  it('works with httpEndpoints: false, and a handler that throws answers 500 and emits error', async () => {
    const errors: Error[] = [];
    const server = new WSServer({
      httpEndpoints: false,
      httpHandler: () => {
        throw new Error('boom');
      },
    });
    server.on('error', (error) => errors.push(error));
    await server.start();
    servers.push(server);
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/health`)).status).toBe(500);
    expect(errors.map((error) => error.message)).toEqual(['boom']);
  });

  it('is refused beside `server` and when not a function', async () => {
    const { createServer } = await import('node:http');
    expect(() => new WSServer({ server: createServer(), httpHandler: () => false })).toThrow(
      /httpHandler/,
    );
    expect(() => new WSServer({ httpHandler: 'x' as never })).toThrow(/httpHandler/);
  });
});
