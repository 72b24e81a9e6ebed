import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

const HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>@switchboard/react</title></head>
  <body><div id="root"></div><script type="module" src="/page.js"></script></body>
</html>`;

/**
 * Builds `page.tsx` (or another page next to it) for the browser with Vite, as a dashboard
 * would be built (the client's `browser` entry through the `browser` export condition, React's
 * development build so that StrictMode double-invokes effects), and serves it on a free
 * loopback port.
 */
export async function servePage(
  entry = './page.tsx',
): Promise<{ url: string; close(): Promise<void> }> {
  const input = fileURLToPath(new URL(entry, import.meta.url));
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    mode: 'development',
    root: fileURLToPath(new URL('.', import.meta.url)),
    resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
    define: { 'process.env.NODE_ENV': '"development"' },
    build: {
      write: false,
      minify: false,
      sourcemap: 'inline',
      rollupOptions: { input, output: { format: 'es', entryFileNames: 'page.js' } },
    },
  });
  const bundles = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[];
  const chunk = bundles[0]!.output.find(
    (file): file is Rolldown.OutputChunk => file.type === 'chunk' && file.isEntry,
  );
  if (chunk === undefined) throw new Error(`Vite built no entry chunk for ${entry}`);
  const script = chunk.code;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML);
    } else if (path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
