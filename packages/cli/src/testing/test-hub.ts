import {
  WSRouter,
  type WSRouterOptions,
  WSServer,
  type WSServerOptions,
} from '@switchboard/server';
import { afterEach } from 'vitest';
import { type CliProcess, killAll, type RunOptions, startCli } from './cli-process.ts';

export interface TestHub {
  server: WSServer;
  router: WSRouter;
  url: string;
  close(): Promise<void>;
}

const open = new Set<TestHub>();

/**
 * A hub in the test process on port 0, for the commands that connect to one. `close()` may
 * be called more than once; `cleanUpAfterEachTest` closes whatever is still open.
 */
export async function startTestHub(
  options: WSServerOptions = {},
  routerOptions: WSRouterOptions = {},
): Promise<TestHub> {
  const server = new WSServer({ port: 0, ...options });
  const router = new WSRouter(server, routerOptions);
  await server.start();
  let closed: Promise<void> | undefined;
  const hub: TestHub = {
    server,
    router,
    url: server.url,
    close() {
      open.delete(hub);
      closed ??= server.shutdown(1_000).then(() => router.close());
      return closed;
    },
  };
  open.add(hub);
  return hub;
}

/** After each test: kill the CLI processes it left and close the hubs it started. */
export function cleanUpAfterEachTest(): void {
  afterEach(async () => {
    killAll();
    await Promise.all([...open].map((hub) => hub.close()));
  });
}

/** `switchboard serve <args>` as a process, once it printed the URL it listens on. */
export async function startServe(
  args: readonly string[],
  options: RunOptions = {},
): Promise<{ run: CliProcess; url: string; health: string }> {
  const run = startCli(['serve', ...args], options);
  const listening = await Promise.race([
    run.stdout.waitForLine(/^switchboard listening on /, 'serve'),
    run.exited.then((code) => {
      throw new Error(`serve exited ${code} before listening:\n${run.stderr.text}`);
    }),
  ]);
  const health = await run.stdout.waitForLine(/^health and stats: /, 'serve');
  return {
    run,
    url: listening.replace('switchboard listening on ', ''),
    health: health.replace('health and stats: ', '').replace(/ and \/stats$/, ''),
  };
}
