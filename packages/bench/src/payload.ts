/** Bytes of the application payload every scenario publishes (the 128-byte payload). */
export const PAYLOAD_BYTES = 128;

/**
 * The published payload: a JSON object of exactly PAYLOAD_BYTES bytes carrying the publisher's
 * sequence number `s` and the scheduled send time `t` (µs, monotonic clock, see clock.ts).
 */
export function payloadText(sequence: number, scheduledUs: number): string {
  const head = `{"s":${sequence},"t":${scheduledUs},"p":"`;
  return `${head}${'x'.repeat(Math.max(0, PAYLOAD_BYTES - head.length - 2))}"}`;
}

export interface Payload {
  s: number;
  t: number;
  p: string;
}

export function payloadObject(sequence: number, scheduledUs: number): Payload {
  return JSON.parse(payloadText(sequence, scheduledUs)) as Payload;
}

const T_KEY = Buffer.from('"t":');
const S_KEY = Buffer.from('"s":');

/** Reads the integer after `key` in buf[from, to) without allocating; -1 when absent. */
function readInteger(buf: Buffer, key: Buffer, from: number, to: number): number {
  const at = buf.indexOf(key, from);
  if (at === -1 || at >= to) return -1;
  let value = 0;
  for (let i = at + key.length; i < to; i++) {
    const digit = buf[i]! - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

/** The scheduled send time `t` of the first payload in buf[from, to). */
export function readScheduledUs(buf: Buffer, from: number, to: number): number {
  return readInteger(buf, T_KEY, from, to);
}

/** The publisher sequence `s` of the first payload in buf[from, to). */
export function readSequence(buf: Buffer, from: number, to: number): number {
  return readInteger(buf, S_KEY, from, to);
}
