import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WSClient } from '@switchboard/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bounded, expectExit, runCli } from '../testing/cli-process.ts';
import { cleanUpAfterEachTest, startServe } from '../testing/test-hub.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-tls-'));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');

beforeAll(() => {
  // A self-signed certificate for 127.0.0.1, made fresh for this run.
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ],
    { stdio: 'ignore' },
  );
});
cleanUpAfterEachTest();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('switchboard serve with TLS', () => {
  it('serves wss:// and https:// /health, trusted with --ca or --insecure, refused otherwise', async () => {
    const { run, url, health } = await startServe([
      '--port',
      '0',
      '--tls-cert',
      cert,
      '--tls-key',
      key,
    ]);
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    expect(health).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/health$/);

    const trusted = await runCli(['test', url, '--ca', cert]);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toMatch(/^PASS wss:\/\//);
    const insecure = await runCli(['status', url, '--insecure', '--json']);
    expect(insecure.code).toBe(0);
    expect(JSON.parse(insecure.stdout).health).toMatchObject({ status: 'ok' });
    const untrusted = await runCli(['test', url, '--timeout', '3s']);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stdout).toMatch(/^FAIL wss:\/\//);

    // A library client trusts the hub through the WebSocket option.
    const ca = readFileSync(cert, 'utf8');
    const client = new WSClient({
      url,
      reconnect: false,
      WebSocket: class extends WebSocket {
        constructor(
          address: string,
          protocols?: string | string[],
          options?: WebSocket.ClientOptions,
        ) {
          super(address, protocols, { ...options, ca });
        }
      },
    });
    await client.connect();
    expect((await client.publish('tls.check', { ok: true })).offset).toBe(1);
    await client.disconnect();

    run.child.kill('SIGTERM');
    expect(await bounded(run, 'serve')).toBe(0);
  });

  it('exits 2 naming the field when a TLS file cannot be read', async () => {
    const args = ['serve', '--port', '0', '--tls-cert', join(dir, 'none.pem'), '--tls-key', key];
    await expectExit(args, 2, /config\.tls\.cert: cannot read .*none\.pem: ENOENT/);
  });
});
