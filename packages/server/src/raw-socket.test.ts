import { createServer, type Server as HttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { encodeTextFrame } from './frame-encoder.ts';
import { rawSocketOf, setMessageLimit } from './raw-socket.ts';
import { useHubFixture } from './test-support/fixture.ts';
import { clientTextFrames } from './test-support/raw-peer.ts';

/**
 * What the hub's write path assumes of `ws` (see raw-socket.ts), pinned against the version
 * installed, so that an upgrade that changes any of it fails here rather than in production.
 */
const { version } = createRequire(import.meta.url)('ws/package.json') as { version: string };

interface Pair {
  /** The server side, configured as WSServer configures its sockets. */
  server: WebSocket;
  /** The TCP socket the HTTP upgrade handed to ws. */
  upgraded: Duplex;
  client: WebSocket;
}

const https: HttpServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(https.splice(0).map((http) => new Promise((resolve) => http.close(resolve))));
});

async function pair(deflate = false): Promise<Pair> {
  const http = createServer();
  https.push(http);
  const wss = new WebSocketServer({
    noServer: true,
    // As WSServer configures it with `perMessageDeflate` on (see deflate-options.ts).
    perMessageDeflate: deflate
      ? { serverNoContextTakeover: true, clientNoContextTakeover: true }
      : false,
  });
  const accepted = new Promise<{ server: WebSocket; upgraded: Duplex }>((resolve) => {
    http.on('upgrade', (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (server) => resolve({ server, upgraded: socket })),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const client = new WebSocket(`ws://127.0.0.1:${port}`, {
    perMessageDeflate: deflate ? { threshold: 0 } : false,
  });
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  const { server, upgraded } = await accepted;
  sockets.push(server, client);
  return { server, upgraded, client };
}

/** Records every chunk written to `raw` from now on, as it is written. */
function recordWrites(raw: Socket): Buffer[] {
  const chunks: Buffer[] = [];
  const write = raw.write;
  raw.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    chunks.push(Buffer.from(chunk as Uint8Array));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof raw.write;
  return chunks;
}

describe(`ws ${version} under the raw write path`, () => {
  it('keeps the TCP socket of the upgrade in _socket, on the server and the client side', async () => {
    const { server, upgraded, client } = await pair();
    expect(rawSocketOf(server)).toBe(upgraded);
    expect(rawSocketOf(server)).toBeInstanceOf(Socket);
    expect(rawSocketOf(client)).toBeInstanceOf(Socket);
    expect(rawSocketOf(client)?.localPort).toBe(rawSocketOf(server)?.remotePort);
  });

  it('writes its own ping and close frames to that socket whole, before the call returns', async () => {
    const { server } = await pair();
    const chunks = recordWrites(rawSocketOf(server)!);
    server.ping(Buffer.from('hi'));
    // FIN + ping, unmasked, 2 bytes of payload.
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0x89, 0x02, 0x68, 0x69]));
    chunks.length = 0;
    server.close(1000, 'bye');
    // FIN + close, code 1000 and the reason.
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0x88, 0x05, 0x03, 0xe8, 0x62, 0x79, 0x65]));
  });

  it('answers a client ping with a pong written at once, ahead of bytes written after it', async () => {
    const { server, client } = await pair();
    const chunks = recordWrites(rawSocketOf(server)!);
    const pinged = new Promise<Buffer>((resolve) =>
      server.once('ping', () => {
        const written = Buffer.concat(chunks);
        rawSocketOf(server)!.write(encodeTextFrame('after'));
        resolve(written);
      }),
    );
    const order: string[] = [];
    client.on('pong', () => order.push('pong'));
    client.on('message', (data) => order.push(data.toString()));
    client.ping('p');
    // The automatic pong was already written when the listener ran.
    expect(await pinged).toEqual(Buffer.from([0x8a, 0x01, 0x70]));
    await expect.poll(() => order).toEqual(['pong', 'after']);
  });

  it('lets pre-framed bytes written to the raw socket interleave whole with its own frames', async () => {
    const { server, client } = await pair();
    const received: string[] = [];
    client.on('message', (data) => received.push(`message ${data.toString()}`));
    client.on('ping', (data) => received.push(`ping ${data.toString()}`));
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    const raw = rawSocketOf(server)!;
    raw.write(encodeTextFrame('one'));
    server.ping('between');
    raw.write(Buffer.concat([encodeTextFrame('two'), encodeTextFrame('x'.repeat(70_000))]));
    server.close(1000);
    expect(await closed).toBe(1000);
    expect(errors).toEqual([]);
    expect(received).toEqual([
      'message one',
      'ping between',
      'message two',
      `message ${'x'.repeat(70_000)}`,
    ]);
  });

  it('counts bytes waiting in the raw socket in bufferedAmount', async () => {
    const { server, client } = await pair();
    const raw = rawSocketOf(server)!;
    rawSocketOf(client)!.pause();
    // Enough that the kernel buffers fill and the rest waits in the socket.
    const frame = encodeTextFrame('y'.repeat(4 * 1024 * 1024));
    for (let i = 0; i < 8 && raw.writableLength === 0; i++) raw.write(frame);
    expect(raw.writableLength).toBeGreaterThan(0);
    expect(server.bufferedAmount).toBe(raw.writableLength);
    // Its own frames queue in the same place.
    const before = raw.writableLength;
    server.ping();
    expect(raw.writableLength).toBe(before + 2);
    expect(server.bufferedAmount).toBe(raw.writableLength);
  });
});

describe(`ws ${version} under fair reads and the pre-authentication limit`, () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('emits the rest of the current socket read after pause(), then nothing until resume()', async () => {
    const { server, client } = await pair();
    let received = 0;
    let inFirstRead: number | undefined;
    server.on('message', () => {
      received += 1;
      if (received === 1) {
        server.pause();
        // What ws emits before control returns to the event loop came from the same read.
        setImmediate(() => {
          inFirstRead = received;
        });
      }
    });
    // One write of 200 frames: one read of the server's socket holds all of them.
    rawSocketOf(client)!.write(clientTextFrames(Array.from({ length: 200 }, (_, i) => `m${i}`)));
    await expect.poll(() => inFirstRead).toBe(200);
    expect(server.isPaused).toBe(true);
    await new Promise<void>((resolve) => client.send('late', () => resolve()));
    for (let i = 0; i < 5; i++) await turn();
    expect(received).toBe(200);
    server.resume();
    await expect.poll(() => received).toBe(201);
  });

  it('reads the message limit per frame from the receiver, so it can change on an open socket', async () => {
    const { server, client } = await pair();
    server.on('error', () => {});
    const messages: number[] = [];
    server.on('message', (data: Buffer) => messages.push(data.length));
    expect(setMessageLimit(server, 1_000)).toBe(true);
    client.send('x'.repeat(900));
    await expect.poll(() => messages).toEqual([900]);
    expect(setMessageLimit(server, 2_000)).toBe(true);
    client.send('y'.repeat(1_500));
    await expect.poll(() => messages).toEqual([900, 1_500]);
    setMessageLimit(server, 1_000);
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    client.send('z'.repeat(1_001));
    expect(await closed).toBe(1009);
    expect(messages).toEqual([900, 1_500]);
  });
});

describe(`ws ${version} with permessage-deflate negotiated`, () => {
  it('still writes its own ping and close frames whole, before the call returns', async () => {
    const { server } = await pair(true);
    expect(server.extensions).toBe('permessage-deflate');
    const chunks = recordWrites(rawSocketOf(server)!);
    server.ping(Buffer.from('hi'));
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0x89, 0x02, 0x68, 0x69]));
    chunks.length = 0;
    server.close(1000, 'bye');
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0x88, 0x05, 0x03, 0xe8, 0x62, 0x79, 0x65]));
  });

  it('applies the message limit to the inflated size, stopping the inflater at it', async () => {
    const { server, client } = await pair(true);
    server.on('error', () => {});
    const messages: number[] = [];
    server.on('message', (data: Buffer) => messages.push(data.length));
    expect(setMessageLimit(server, 1_000)).toBe(true);
    const inflater = (server as unknown as { _extensions: Record<string, { _maxPayload: number }> })
      ._extensions['permessage-deflate']!;
    expect(inflater._maxPayload).toBe(1_000);
    client.send('x'.repeat(900));
    await expect.poll(() => messages).toEqual([900]);
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    // About 100 bytes on the wire.
    client.send('z'.repeat(100_000));
    expect(await closed).toBe(1009);
    expect(messages).toEqual([900]);
  });
});

describe('the hub', () => {
  const { hub, peer } = useHubFixture();

  it('refuses permessage-deflate unless perMessageDeflate is set', async () => {
    const { url } = await hub();
    const p = await peer(url, { perMessageDeflate: true });
    expect(p.socket.extensions).toBe('');
  });
});
