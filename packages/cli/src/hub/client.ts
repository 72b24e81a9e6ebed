import { type ClientOptions, WSClient } from '@switchboard/client';
import { type Command, Option } from 'commander';
import WebSocket from 'ws';
import { parseDurationMs } from '../arguments.ts';
import { hubUrl } from './endpoints.ts';
import { type TlsTrust, tlsTrust } from './tls-trust.ts';

export const DEFAULT_URL = 'ws://127.0.0.1:8080';

/** The flags of every command that connects to a hub. */
export interface ClientFlags {
  url: string;
  token?: string;
  ca?: string;
  insecure?: boolean;
  timeout: number;
}

/** `--url`, `--token`, `--ca`, `--insecure`, `--timeout`, with their environment variables. */
export function addClientOptions(command: Command, options: { url?: boolean } = {}): Command {
  if (options.url !== false) {
    command.addOption(
      new Option('--url <url>', 'hub URL (ws://, wss://)')
        .env('SWITCHBOARD_URL')
        .default(DEFAULT_URL),
    );
  }
  return command
    .addOption(new Option('--token <token>', 'token for the hub').env('SWITCHBOARD_TOKEN'))
    .addOption(new Option('--ca <file>', 'PEM file of the CA to trust for wss:// hubs'))
    .addOption(new Option('--insecure', 'accept any TLS certificate (self-signed dev hubs)'))
    .addOption(
      new Option('--timeout <ms>', 'wait at most this long to connect and for each answer')
        .argParser(parseDurationMs)
        .default(10_000),
    );
}

/**
 * `ws` with the CA or `rejectUnauthorized` added to every connection it opens; the client
 * takes a WebSocket constructor, not TLS options.
 */
function trustingWebSocket(trust: TlsTrust): ClientOptions['WebSocket'] {
  if (trust.ca === undefined && trust.rejectUnauthorized === undefined) return undefined;
  return class TrustingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
      super(url, protocols, { ...options, ...trust });
    }
  };
}

/** A client for the flags (not connected yet). One-shot commands do not reconnect. */
export function createClient(
  flags: ClientFlags,
  options: Partial<ClientOptions> & { url?: string } = {},
): WSClient {
  const url = hubUrl(options.url ?? flags.url).href;
  const WebSocketImpl = trustingWebSocket(tlsTrust(flags));
  return new WSClient({
    clientName: '@switchboard/cli',
    reconnect: false,
    connectTimeoutMs: flags.timeout,
    messageTimeoutMs: flags.timeout,
    ...(flags.token ? { token: flags.token } : {}),
    ...(WebSocketImpl ? { WebSocket: WebSocketImpl } : {}),
    ...options,
    url,
  });
}

/** A connected client; the caller disconnects it. */
export async function connectClient(
  flags: ClientFlags,
  options: Partial<ClientOptions> & { url?: string } = {},
): Promise<WSClient> {
  const client = createClient(flags, options);
  await client.connect();
  return client;
}
