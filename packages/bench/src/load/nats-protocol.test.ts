import { describe, expect, it } from 'vitest';
import { NatsReader, pubCommand } from './nats-protocol.ts';

interface Seen {
  msgs: Array<{ sid: number; payload: string }>;
  pings: number;
  pongs: number;
  infos: string[];
  errors: string[];
}

function reader(): { reader: NatsReader; seen: Seen } {
  const seen: Seen = { msgs: [], pings: 0, pongs: 0, infos: [], errors: [] };
  const r = new NatsReader();
  r.onMsg = (sid, buf, start, end) =>
    seen.msgs.push({ sid, payload: buf.toString('utf8', start, end) });
  r.onPing = () => {
    seen.pings += 1;
  };
  r.onPong = () => {
    seen.pongs += 1;
  };
  r.onInfo = (json) => seen.infos.push(json);
  r.onError = (message) => seen.errors.push(message);
  return { reader: r, seen };
}

/** Feeds `text` in pieces of `size` bytes, each inside a larger buffer (as WebSocket frames are). */
function feedInPieces(r: NatsReader, text: string, size: number): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) {
    const piece = bytes.subarray(at, Math.min(bytes.length, at + size));
    const frame = Buffer.concat([Buffer.from('junk'), piece, Buffer.from('tail')]);
    r.feed(frame, 4, 4 + piece.length);
  }
}

const STREAM =
  'INFO {"server_id":"x","max_payload":1048576}\r\n' +
  'MSG bench.load.1 1 5\r\nhello\r\n' +
  'PING\r\n' +
  'MSG agent.7.status 12 _INBOX.bench.7 4\r\na\r\nb\r\n' +
  'HMSG agent.7.status 2 _INBOX.r 12 15\r\nNATS/1.0\r\n\r\nabc\r\n' +
  'PONG\r\n' +
  "-ERR 'Slow Consumer'\r\n" +
  'MSG x 3 0\r\n\r\n';

describe('NatsReader', () => {
  it('reads control lines and payloads, whatever the payload holds', () => {
    const { reader: r, seen } = reader();
    feedInPieces(r, STREAM, STREAM.length);
    expect(seen.infos).toEqual(['{"server_id":"x","max_payload":1048576}']);
    expect(seen.msgs).toEqual([
      { sid: 1, payload: 'hello' },
      { sid: 12, payload: 'a\r\nb' },
      { sid: 2, payload: 'abc' },
      { sid: 3, payload: '' },
    ]);
    expect(seen.pings).toBe(1);
    expect(seen.pongs).toBe(1);
    expect(seen.errors).toEqual(["-ERR 'Slow Consumer'"]);
  });

  it('gives the same result when the stream is cut into frames anywhere', () => {
    const whole = reader();
    feedInPieces(whole.reader, STREAM, STREAM.length);
    for (const size of [1, 2, 3, 5, 7, 16, 31]) {
      const cut = reader();
      feedInPieces(cut.reader, STREAM, size);
      expect(cut.seen, `pieces of ${size}`).toEqual(whole.seen);
    }
  });

  it('writes PUB with and without a reply subject, sized in bytes', () => {
    expect(pubCommand('a.b', 'é')).toBe('PUB a.b 2\r\né\r\n');
    expect(pubCommand('a.b', 'xy', '_INBOX.1')).toBe('PUB a.b _INBOX.1 2\r\nxy\r\n');
  });
});
