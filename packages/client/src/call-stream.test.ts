import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { CallStreams } from './call-stream.ts';

function open(window: number) {
  const calls: string[] = [];
  const streams = new CallStreams();
  const stream = streams.open<number>('r1', window, {
    credit: (id, credit) => calls.push(`credit ${id} ${credit}`),
    cancel: (id) => calls.push(`cancel ${id}`),
    release: (id) => calls.push(`release ${id}`),
  });
  const chunk = (data: number) => streams.frame({ type: 'chunk', id: 'r1', data });
  return { stream, streams, calls, chunk };
}

describe('CallStream', () => {
  it('credits back only what the application pulled, in batches of half the window', async () => {
    const { stream, calls, chunk } = open(8);
    for (let i = 0; i < 8; i++) chunk(i);
    // Received is not consumed: nothing is credited until the reader pulls.
    expect(calls).toEqual([]);
    for (let i = 0; i < 3; i++) expect(await stream.next()).toEqual({ value: i, done: false });
    expect(calls).toEqual([]);
    await stream.next();
    expect(calls).toEqual(['credit r1 4']);
    for (let i = 0; i < 4; i++) await stream.next();
    expect(calls).toEqual(['credit r1 4', 'credit r1 4']);
  });

  it('hands a waiting reader the next chunk at once, and ends after the chunks it has', async () => {
    const { stream, streams, calls, chunk } = open(2);
    const first = stream.next();
    chunk(7);
    expect(await first).toEqual({ value: 7, done: false });
    chunk(8);
    streams.frame({ type: 'end', id: 'r1' });
    expect(await stream.next()).toEqual({ value: 8, done: false });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(calls).toEqual(['credit r1 1', 'release r1']);
  });

  it('throws a failure after the chunks that came before it, then ends', async () => {
    const { stream, chunk } = open(4);
    chunk(1);
    stream.fail(new SwitchboardError(ErrorCode.FORBIDDEN, 'no'));
    expect(await stream.next()).toEqual({ value: 1, done: false });
    await expect(stream.next()).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('cancels the call when the reader stops early, and drops what comes after', async () => {
    const { stream, calls, chunk } = open(4);
    chunk(1);
    chunk(2);
    expect(await stream.return()).toEqual({ value: undefined, done: true });
    chunk(3);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(calls).toEqual(['cancel r1']);
    stream.cancel();
    expect(calls).toEqual(['cancel r1']);
  });
});
