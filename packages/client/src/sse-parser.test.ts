import { describe, expect, it } from 'vitest';
import { type SseEvent, sseParser } from './sse-parser.ts';

function parse(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const feed = sseParser((event) => events.push(event));
  for (const chunk of chunks) feed(chunk);
  return events;
}

const STREAM =
  'event: session\ndata: {"session":"s"}\n\n' +
  ': ping\n\n' +
  'id: 1\ndata: {"a":\ndata: 1}\n\n' +
  'id: 2\r\ndata:{"b":2}\r\n\r\n' +
  'id: 3\rdata: {"c":3}\r\r' +
  'retry: 10\nfoo: bar\ndata\n\n' +
  'event: close\ndata: {"code":1000,"reason":""}\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'session', data: '{"session":"s"}', id: undefined },
  { event: '', data: '{"a":\n1}', id: '1' },
  { event: '', data: '{"b":2}', id: '2' },
  { event: '', data: '{"c":3}', id: '3' },
  { event: '', data: '', id: undefined },
  { event: 'close', data: '{"code":1000,"reason":""}', id: undefined },
];

describe('sseParser', () => {
  it('reads events, ids, multi-line data and comments with LF, CRLF and CR line ends', () => {
    expect(parse([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the stream is cut into chunks', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(parse([STREAM.slice(0, cut), STREAM.slice(cut)]), `cut at ${cut}`).toEqual(EXPECTED);
    }
    expect(parse([...STREAM])).toEqual(EXPECTED);
  });

  it('dispatches nothing for an event without data, and keeps an unfinished one', () => {
    expect(parse(['id: 5\n\n', 'event: x\n\n'])).toEqual([]);
    expect(parse(['data: 1\n'])).toEqual([]);
  });
});
