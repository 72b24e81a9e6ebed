import type { WSServerOptions } from '../options.ts';
import type { WSRouterOptions } from '../router-options.ts';
import { WSRouter } from '../ws-router.ts';
import { WSServer } from '../ws-server.ts';

export interface TestHub {
  server: WSServer;
  router: WSRouter;
  url: string;
  close(): Promise<void>;
}

/** A started hub on 127.0.0.1, port 0. */
export async function startHub(
  serverOptions: WSServerOptions = {},
  routerOptions: WSRouterOptions = {},
): Promise<TestHub> {
  const server = new WSServer({ port: 0, ...serverOptions });
  const router = new WSRouter(server, routerOptions);
  await server.start();
  return {
    server,
    router,
    url: server.url,
    close: async () => {
      await server.shutdown(500);
      await router.close();
    },
  };
}
