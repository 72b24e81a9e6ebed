import type { WSClient } from '@switchboard/client';
import type { WSRouter } from '@switchboard/server';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { hubClient, startHub, type TestHub } from './hub.ts';

/**
 * A fresh hub and a connected client for every test of the describe block it is called in;
 * afterwards the rendered trees are unmounted, the client disconnected and the hub stopped.
 */
export function hubPerTest(setup?: (router: WSRouter) => void): { hub: TestHub; client: WSClient } {
  const context = {} as { hub: TestHub; client: WSClient };
  beforeEach(async () => {
    context.hub = await startHub(setup);
    context.client = hubClient(context.hub);
    await context.client.connect();
  });
  afterEach(async () => {
    cleanup();
    await context.client.disconnect();
    await context.hub.close();
  });
  return context;
}
