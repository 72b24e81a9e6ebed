import { describe, expect, it } from 'vitest';
import { expectationOf } from './expectations.ts';

const of = (frame: unknown) =>
  expectationOf(Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame))).id;

describe('which frames owe an answer', () => {
  it('valid frames of the answered types, by their id', () => {
    expect(of({ type: 'publish', id: 'p1', topic: 'a', data: 1 })).toBe('p1');
    expect(of({ type: 'subscribe', id: 's1', topics: ['a.#'] })).toBe('s1');
    expect(of({ type: 'request', id: 'r1', method: 'echo', data: null })).toBe('r1');
    expect(of({ type: 'ping', id: 'g1' })).toBe('g1');
    expect(of({ type: 'auth', id: 'a1', token: 't' })).toBe('a1');
  });

  it('not the frames the protocol leaves unanswered', () => {
    expect(of({ type: 'publish', id: 'p2', topic: 'a', data: 1, ack: false })).toBeUndefined();
    expect(of({ type: 'pong', id: 'g2' })).toBeUndefined();
    expect(of({ type: 'cancel', id: 'r1' })).toBeUndefined();
    expect(of({ type: 'credit', id: 'r1', credit: 2 })).toBeUndefined();
    expect(of({ type: 'ping' })).toBeUndefined();
  });

  it('invalid frames by their id when it is usable, counted in code points', () => {
    expect(of({ type: 'publish', id: 'p3', topic: 'a..b', data: 1 })).toBe('p3');
    expect(of({ type: 'nope', id: 'n1' })).toBe('n1');
    expect(of({ type: 'publish', id: '😀'.repeat(128), topic: 'a..b', data: 1 })).toBe(
      '😀'.repeat(128),
    );
    expect(of({ type: 'publish', id: '😀'.repeat(129), topic: 'a', data: 1 })).toBeUndefined();
    expect(of({ type: 'publish', id: 7, topic: 'a', data: 1 })).toBeUndefined();
    expect(of('{"type":"publish","id":"p4"')).toBeUndefined();
  });
});
