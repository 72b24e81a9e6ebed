/**
 * The NATS client protocol (text, CRLF-terminated control lines) as a byte stream reader for
 * the load side. NATS over WebSocket is a byte stream cut into frames anywhere, so a MSG may
 * span frames; the reader keeps the unfinished tail and hands each message's payload range
 * to `onMsg` without allocating per message (only the sid is parsed from the control line).
 */

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;

export type NatsMsgHandler = (sid: number, buf: Buffer, start: number, end: number) => void;

export class NatsReader {
  onMsg: NatsMsgHandler = () => {};
  onPing: () => void = () => {};
  onPong: () => void = () => {};
  onInfo: (json: string) => void = () => {};
  onError: (message: string) => void = () => {};
  #rest: Buffer | undefined;

  /** Feeds buf[start, end): the payload of one WebSocket message. */
  feed(chunk: Buffer, start: number, end: number): void {
    let buf = chunk;
    let at = start;
    let stop = end;
    if (this.#rest !== undefined) {
      buf = Buffer.concat([this.#rest, chunk.subarray(start, end)]);
      this.#rest = undefined;
      at = 0;
      stop = buf.length;
    }
    while (at < stop) {
      const lineEnd = indexOfCrlf(buf, at, stop);
      if (lineEnd === -1) break;
      const first = buf[at]! | 0x20; // lower case
      if (first === 0x6d /* m */ || first === 0x68 /* h */) {
        const headers = first === 0x68;
        const parsed = this.#msgLine(buf, at, lineEnd, headers);
        const payloadStart = lineEnd + 2;
        const payloadEnd = payloadStart + parsed.total;
        if (payloadEnd + 2 > stop) break; // the payload (and its CRLF) is not all here yet
        this.onMsg(parsed.sid, buf, payloadStart + parsed.headerBytes, payloadEnd);
        at = payloadEnd + 2;
        continue;
      }
      if (first === 0x70 /* p */) {
        const second = buf[at + 1]! | 0x20;
        if (second === 0x69 /* i */) this.onPing();
        else this.onPong();
      } else if (first === 0x69 /* i */) {
        this.onInfo(buf.toString('utf8', at + 5, lineEnd));
      } else if (buf[at] === 0x2d /* - */) {
        this.onError(buf.toString('utf8', at, lineEnd));
      }
      // +OK (verbose off: never sent) and anything else: ignored.
      at = lineEnd + 2;
    }
    if (at < stop) this.#rest = Buffer.from(buf.subarray(at, stop));
  }

  /**
   * `MSG <subject> <sid> [reply-to] <#bytes>` or `HMSG <subject> <sid> [reply-to] <#header
   * bytes> <#total bytes>`: the sid (second argument) and the sizes (last arguments).
   */
  #msgLine(
    buf: Buffer,
    from: number,
    to: number,
    headers: boolean,
  ): { sid: number; total: number; headerBytes: number } {
    let at = from;
    const skipToken = () => {
      while (at < to && buf[at] !== SPACE && buf[at] !== TAB) at++;
      while (at < to && (buf[at] === SPACE || buf[at] === TAB)) at++;
    };
    skipToken(); // MSG
    skipToken(); // subject
    let sid = 0;
    while (at < to && buf[at]! >= 0x30 && buf[at]! <= 0x39) sid = sid * 10 + buf[at++]! - 0x30;
    // Sizes, read backwards from the end of the line.
    let end = to;
    const number = (): number => {
      let value = 0;
      let scale = 1;
      while (end > from && buf[end - 1]! >= 0x30 && buf[end - 1]! <= 0x39) {
        value += (buf[end - 1]! - 0x30) * scale;
        scale *= 10;
        end--;
      }
      while (end > from && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
      return value;
    };
    const total = number();
    const headerBytes = headers ? number() : 0;
    return { sid, total, headerBytes };
  }
}

function indexOfCrlf(buf: Buffer, from: number, to: number): number {
  let at = buf.indexOf(LF, from);
  while (at !== -1 && at < to) {
    if (at > from && buf[at - 1] === CR) return at - 1;
    at = buf.indexOf(LF, at + 1);
  }
  return -1;
}

/** `PUB <subject> [reply-to] <#bytes>\r\n<payload>\r\n` as one string. */
export function pubCommand(subject: string, payload: string, reply?: string): string {
  const size = Buffer.byteLength(payload);
  return reply === undefined
    ? `PUB ${subject} ${size}\r\n${payload}\r\n`
    : `PUB ${subject} ${reply} ${size}\r\n${payload}\r\n`;
}

/** What every load connection sends first: no +OK per command, echo on, headers allowed. */
export const CONNECT_COMMAND = `CONNECT ${JSON.stringify({
  verbose: false,
  pedantic: false,
  protocol: 1,
  echo: true,
  headers: true,
  no_responders: true,
  lang: 'switchboard-bench',
  version: '0.0.0',
})}\r\n`;
