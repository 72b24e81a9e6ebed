import { createRequire } from 'node:module';
import { CURRENT_PROTOCOL_VERSION, PROTOCOL_VERSIONS, subprotocolFor } from '@switchboard/protocol';
import type { Command } from 'commander';
import { out, table } from '../output.ts';
import { CLI_VERSION } from '../version.ts';

/** What this Node gives a Switchboard client and hub. */
export function supportReport() {
  const major = Number(process.versions.node.split('.')[0]);
  const native = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function';
  const wsVersion = (createRequire(import.meta.url)('ws/package.json') as { version: string })
    .version;
  return {
    cli: CLI_VERSION,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    nativeWebSocket: {
      available: native,
      note: native
        ? 'globalThis.WebSocket is there (browser bundles and the native client can use it)'
        : major >= 22
          ? 'globalThis.WebSocket is missing (started with --no-experimental-websocket?)'
          : `Node ${major} has it only with --experimental-websocket; Node 22+ has it by default`,
    },
    webSocketInUse: {
      library: 'ws',
      version: wsVersion,
      why: 'the Node client always uses ws: it sends Authorization headers and TLS options the WHATWG API cannot',
    },
    tls: { openssl: process.versions.openssl, wss: true },
    protocol: {
      versions: [...PROTOCOL_VERSIONS],
      current: CURRENT_PROTOCOL_VERSION,
      subprotocol: subprotocolFor(CURRENT_PROTOCOL_VERSION),
    },
  };
}

export function registerSupport(program: Command): void {
  program
    .command('support')
    .description('what this Node supports: native WebSocket, the ws fallback, TLS, versions')
    .option('--json', 'print the report as JSON')
    .action((flags: { json?: boolean }) => {
      const report = supportReport();
      if (flags.json) {
        out.json(report);
        return;
      }
      out.line(
        table([
          ['switchboard cli', report.cli],
          ['node', `${report.node} (${report.platform})`],
          [
            'native WebSocket',
            `${report.nativeWebSocket.available ? 'yes' : 'no'}: ${report.nativeWebSocket.note}`,
          ],
          ['WebSocket in use', `ws ${report.webSocketInUse.version}: ${report.webSocketInUse.why}`],
          ['TLS', `OpenSSL ${report.tls.openssl}; wss:// and https:// supported`],
          [
            'protocol',
            `versions ${report.protocol.versions.join(', ')} (subprotocol ${report.protocol.subprotocol})`,
          ],
        ]),
      );
    });
}
