import { describe, expect, it } from 'vitest';
import { FrameSlab } from './frame-slab.ts';
import { OutboundQueue } from './outbound-queue.ts';

const frame = (text: string) => Buffer.from(text);

function drain(queue: OutboundQueue): string[] {
  const out: string[] = [];
  for (let next = queue.shift(); next !== undefined; next = queue.shift())
    out.push(next.toString());
  return out;
}

describe('OutboundQueue', () => {
  it('is a FIFO that counts events apart from control frames', () => {
    const queue = new OutboundQueue();
    queue.push(frame('ack'), 0, undefined);
    queue.push(frame('e1'), 1, 'a');
    queue.push(frame('e2'), 2, 'a');
    expect([queue.length, queue.events, queue.bytes, queue.eventBytes]).toEqual([3, 2, 7, 4]);
    expect(drain(queue)).toEqual(['ack', 'e1', 'e2']);
    expect([queue.length, queue.events, queue.bytes, queue.eventBytes]).toEqual([0, 0, 0, 0]);
  });

  it('drops the oldest events in order and keeps control frames where they are', () => {
    const queue = new OutboundQueue();
    queue.push(frame('ack1'), 0, undefined);
    for (let i = 1; i <= 5; i++) queue.push(frame(`e${i}`), i, `t.${i}`);
    queue.push(frame('ack2'), 0, undefined);
    queue.push(frame('e6'), 6, 't.6');
    expect(queue.dropOldestEvent()).toBe(1);
    expect(queue.droppedTopic).toBe('t.1');
    expect(queue.dropOldestEvent()).toBe(2);
    expect(queue.droppedTopic).toBe('t.2');
    expect([queue.length, queue.events]).toEqual([6, 4]);
    expect(queue.shift()?.toString()).toBe('ack1');
    expect(queue.dropOldestEvent()).toBe(3);
    expect(queue.droppedTopic).toBe('t.3');
    expect(drain(queue)).toEqual(['e4', 'e5', 'ack2', 'e6']);
    expect(queue.dropOldestEvent()).toBe(-1);
  });

  it('drops tens of thousands of events queued behind a control frame, every one in order', () => {
    const queue = new OutboundQueue();
    queue.push(frame('ack'), 0, undefined);
    const dropped: number[] = [];
    for (let offset = 1; offset <= 50_000; offset++) {
      queue.push(frame('e'), offset, 't');
      // Bound of 100 events: each push past it drops the oldest.
      if (queue.events > 100) dropped.push(queue.dropOldestEvent());
    }
    expect(dropped).toEqual(Array.from({ length: 49_900 }, (_, i) => i + 1));
    expect([queue.length, queue.events]).toEqual([101, 100]);
    const rest = drain(queue);
    expect(rest[0]).toBe('ack');
    expect(rest).toHaveLength(101);
  });

  it('detach() copies queued views of slab chunks so they no longer hold the chunk', () => {
    const slab = new FrameSlab();
    const chunk = slab.append('{"x":1}', 1, 't');
    slab.append('{"x":2}', 2, 't');
    const queue = new OutboundQueue();
    queue.push(chunk.frame(0), 1, 't');
    queue.push(chunk.frame(1), 2, 't');
    queue.detach();
    const first = queue.shift()!;
    const second = queue.shift()!;
    expect(first.buffer).not.toBe(chunk.buffer.buffer);
    expect(second.buffer).not.toBe(chunk.buffer.buffer);
    expect(first.equals(chunk.frame(0))).toBe(true);
    expect(second.equals(chunk.frame(1))).toBe(true);
  });
});
