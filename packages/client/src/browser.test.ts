import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WSClient as BrowserClient } from './browser.ts';
import { ScriptedSocket } from './testing/scripted-socket.ts';

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{
    metafile: {
      inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
      outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
    };
    outputFiles: { text: string; contents: Uint8Array }[];
  }>;
}

// esbuild comes with tsup; resolve it from there rather than adding a dependency.
const fromHere = createRequire(import.meta.url);
const esbuild = createRequire(fromHere.resolve('tsup'))('esbuild') as Esbuild;
const entry = fileURLToPath(new URL('./browser.ts', import.meta.url));

/**
 * Bytes of the browser entry bundled with everything it needs (esbuild, minified), gzipped:
 * the requirement of at most 20 KB. It holds without zod, since the client validates
 * what the hub sends with the validators generated from the schemas
 * (`@switchboard/protocol/wire`); the bundle measured about 19.3 KB when the budget was set.
 */
const BROWSER_BUNDLE_BUDGET = 20_000;

async function browserBundleSize(): Promise<{
  minified: number;
  gzipped: number;
  zodBytes: number;
}> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['source'],
    write: false,
    minify: true,
    metafile: true,
    logLevel: 'silent',
  });
  const contents = result.outputFiles[0]!.contents;
  const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
  const zodBytes = Object.entries(inputs)
    .filter(([path]) => /node_modules\/zod\//.test(path))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return {
    minified: contents.length,
    gzipped: gzipSync(contents, { level: 9 }).length,
    zodBytes,
  };
}

describe('browser entry', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    ScriptedSocket.reset();
  });

  it('bundles for the browser without ws or any node: module', async () => {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      conditions: ['source'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.endsWith('src/client.ts'))).toBe(true);
    expect(inputs.filter((path) => /(^|\/)ws\/|node_modules\/ws@/.test(path))).toEqual([]);
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports);
    expect(imports.filter((i) => i.path.startsWith('node:') || i.path === 'ws')).toEqual([]);
    expect(result.outputFiles[0]?.text).not.toMatch(/from\s*["'](ws|node:[^"']+)["']/);
  });

  it(`bundles, minified and gzipped, to at most ${BROWSER_BUNDLE_BUDGET} bytes`, async () => {
    const { minified, gzipped } = await browserBundleSize();
    // Printed so that a regression shows by how much (the bench report shows it too).
    console.info(`browser bundle: ${minified} bytes minified, ${gzipped} gzipped`);
    expect(gzipped).toBeLessThanOrEqual(BROWSER_BUNDLE_BUDGET);
    // The measure is real: the bundle holds the client and the generated frame validators.
    expect(minified).toBeGreaterThan(20_000);
  });

  it('validates hub frames without zod: none of its bytes are in the bundle', async () => {
    const { zodBytes } = await browserBundleSize();
    expect(zodBytes).toBe(0);
  });

  it('has no Node import in its own source files', async () => {
    const files = ['browser.ts', 'client.ts', 'connection.ts', 'heartbeat.ts'];
    for (const file of files) {
      const text = await readFile(new URL(`./${file}`, import.meta.url), 'utf8');
      expect(text, file).not.toMatch(/from ['"](ws|node:[^'"]+)['"]/);
    }
  });

  it('uses the global WebSocket, read at construction', async () => {
    // Without WebSocket, the HTTP fallback (fetch) is the only way; without both, none.
    vi.stubGlobal('WebSocket', undefined);
    expect(() => new BrowserClient({ url: 'ws://hub.test', transport: 'websocket' })).toThrow(
      /no global WebSocket/,
    );
    expect(() => new BrowserClient({ url: 'ws://hub.test' })).not.toThrow();
    vi.stubGlobal('fetch', undefined);
    expect(() => new BrowserClient({ url: 'ws://hub.test' })).toThrow(/no global WebSocket/);
    expect(() => new BrowserClient({ url: 'ws://hub.test', transport: 'sse' })).toThrow(
      /"transport" is "sse" but this environment has no fetch/,
    );
    vi.unstubAllGlobals();
    vi.stubGlobal('WebSocket', ScriptedSocket);
    const client = new BrowserClient({
      url: 'wss://hub.test/ws',
      token: 't',
      tokenTransport: 'query',
    });
    await client.connect();
    expect(client.connectionId).toBe('scripted-0');
    const socket = ScriptedSocket.sockets[0]!;
    expect(socket.url).toBe('wss://hub.test/ws?token=t');
    expect(socket.protocols).toEqual(['switchboard.v1.json']);
    expect(socket.binaryType).toBe('arraybuffer');
    await client.disconnect();
  });

  it('refuses the header transport unless a WebSocket that can send headers is given', () => {
    vi.stubGlobal('WebSocket', ScriptedSocket);
    const options = { url: 'ws://hub.test', token: 't', tokenTransport: 'header' as const };
    expect(() => new BrowserClient(options)).toThrow(/cannot set WebSocket headers/);
    expect(() => new BrowserClient({ ...options, WebSocket: ScriptedSocket })).not.toThrow();
  });

  it('refuses perMessageDeflate: false, which a browser WebSocket cannot honour', () => {
    vi.stubGlobal('WebSocket', ScriptedSocket);
    expect(() => new BrowserClient({ url: 'ws://hub.test', perMessageDeflate: false })).toThrow(
      /browsers always offer permessage-deflate/,
    );
    expect(
      () => new BrowserClient({ url: 'ws://hub.test', perMessageDeflate: true }),
    ).not.toThrow();
  });
});
