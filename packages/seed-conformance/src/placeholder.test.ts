import { WSRouter, WSServer } from '@switchboard/server';
import { describe, expect, it } from 'vitest';

describe('seed conformance package', () => {
  it('builds a hub the seed way', async () => {
    const server = new WSServer({ port: 0 });
    const router = new WSRouter(server);
    await server.start();
    expect(server.port).toBeGreaterThan(0);
    await server.shutdown();
    await router.close();
  });
});
