import { checkInteger, checkKnownOptions, checkType, withDefaults } from '@switchboard/protocol';

/**
 * permessage-deflate (RFC 7692), WSServer `perMessageDeflate`. The hub always asks for
 * `server_no_context_takeover`: each message it sends is compressed on its own, so one live
 * event is compressed once per publish and the same bytes go to every subscriber that
 * negotiated compression, and the hub keeps no compressor per connection.
 */
export interface PerMessageDeflateOptions {
  /** Messages the hub sends that are smaller than this (bytes, uncompressed) go uncompressed. @default 1_024 */
  threshold?: number;
  /** zlib compression level of what the hub sends, 0 (none) to 9 (smallest, slowest). @default 1 */
  level?: number;
  /** zlib memLevel of the hub's compressor, 1 to 9 (memory per compression, not per connection). @default 8 */
  memLevel?: number;
  /**
   * Window of what the hub sends (`server_max_window_bits`), 9 to 15: the memory a client
   * spends to inflate (2^bits bytes) and how far back matches reach. An offer that asks for a
   * smaller window is declined (that client connects uncompressed). @default 15
   */
  serverMaxWindowBits?: number;
  /**
   * Window a client may compress with (`client_max_window_bits`), 9 to 15: the hub holds an
   * inflater of about 2^bits bytes plus 7 KiB per connection that sent a compressed message.
   * Clients whose offer does not let the hub choose (no `client_max_window_bits`) connect
   * uncompressed when this is set. Unset: the client's choice (up to 15).
   */
  clientMaxWindowBits?: number;
  /**
   * Ask clients for `client_no_context_takeover`: each message a client sends is inflated on
   * its own, so the hub's inflater keeps no history between messages (it is reset, not
   * freed). `false` lets clients keep their window across messages (better ratio for many
   * small similar frames, a 2^bits window held per connection). @default true
   */
  clientNoContextTakeover?: boolean;
}

export const PER_MESSAGE_DEFLATE_DEFAULTS = {
  threshold: 1_024,
  level: 1,
  memLevel: 8,
  serverMaxWindowBits: 15,
  clientNoContextTakeover: true,
} as const;

/** The settings after defaults; undefined when compression is off. */
export interface DeflateSettings {
  threshold: number;
  level: number;
  memLevel: number;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number | undefined;
  clientNoContextTakeover: boolean;
}

const KNOWN = [
  'threshold',
  'level',
  'memLevel',
  'serverMaxWindowBits',
  'clientMaxWindowBits',
  'clientNoContextTakeover',
] as const satisfies readonly (keyof PerMessageDeflateOptions)[];
type Unlisted = Exclude<keyof PerMessageDeflateOptions, (typeof KNOWN)[number]>;
const everyOptionListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyOptionListed;

/** Checks WSServer `perMessageDeflate`; undefined when compression is off. */
export function resolveDeflateOptions(
  owner: string,
  value: boolean | PerMessageDeflateOptions | undefined,
): DeflateSettings | undefined {
  if (value === undefined || value === false) return undefined;
  if (value !== true) {
    const key = 'perMessageDeflate';
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(
        `${owner} option "${key}" must be a boolean or an object, got ${String(value)}`,
      );
    }
    checkKnownOptions(`${owner} ${key}`, value, KNOWN);
    checkInteger(owner, `${key}.threshold`, value.threshold, { min: 0 });
    checkInteger(owner, `${key}.level`, value.level, { min: 0, max: 9 });
    checkInteger(owner, `${key}.memLevel`, value.memLevel, { min: 1, max: 9 });
    // zlib cannot make raw deflate streams with an 8-bit window, so neither side may use one.
    checkInteger(owner, `${key}.serverMaxWindowBits`, value.serverMaxWindowBits, {
      min: 9,
      max: 15,
    });
    checkInteger(owner, `${key}.clientMaxWindowBits`, value.clientMaxWindowBits, {
      min: 9,
      max: 15,
    });
    checkType(owner, `${key}.clientNoContextTakeover`, value.clientNoContextTakeover, 'boolean');
  }
  const given = value === true ? {} : value;
  const settings = withDefaults(PER_MESSAGE_DEFLATE_DEFAULTS, given);
  return {
    threshold: settings.threshold,
    level: settings.level,
    memLevel: settings.memLevel,
    serverMaxWindowBits: settings.serverMaxWindowBits,
    clientMaxWindowBits: given.clientMaxWindowBits,
    clientNoContextTakeover: settings.clientNoContextTakeover,
  };
}

/** The `perMessageDeflate` option of ws's WebSocketServer for these settings. */
export function wsDeflateOption(settings: DeflateSettings | undefined) {
  if (settings === undefined) return false;
  return {
    serverNoContextTakeover: true,
    clientNoContextTakeover: settings.clientNoContextTakeover,
    serverMaxWindowBits: settings.serverMaxWindowBits,
    ...(settings.clientMaxWindowBits === undefined
      ? {}
      : { clientMaxWindowBits: settings.clientMaxWindowBits }),
    // ws compresses nothing for the hub (it writes its own frames), so its threshold and
    // deflate options do not apply; only the inflater it makes for compressed client frames.
  };
}
