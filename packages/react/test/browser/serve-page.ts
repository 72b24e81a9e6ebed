import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>@switchboard/react</title></head>
  <body><div id="root"></div><script type="module" src="/page.js"></script></body>
</html>`;

/**
 * Bundles `page.tsx` (or another page next to it) for the browser with esbuild (the client's `browser` entry, React's
 * development build so that StrictMode double-invokes effects) and serves it on a free
 * loopback port. esbuild rather than Vite: one call, no plugin, already in the repo.
 */
export async function servePage(
  entry = './page.tsx',
): Promise<{ url: string; close(): Promise<void> }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['source'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]!.text;
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
