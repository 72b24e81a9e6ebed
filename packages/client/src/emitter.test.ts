import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './emitter.ts';

interface Events {
  ping: number;
  [topic: `event:${string}`]: string;
}

class Emitter extends TypedEmitter<Events> {
  fire<K extends keyof Events & string>(event: K, payload: Events[K]): boolean {
    return this.emit(event, payload);
  }
}

describe('TypedEmitter', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('calls listeners in order and removes them through the returned function', () => {
    const emitter = new Emitter();
    const seen: string[] = [];
    const offA = emitter.on('ping', (n) => seen.push(`a${n}`));
    emitter.on('ping', (n) => seen.push(`b${n}`));
    expect(emitter.fire('ping', 1)).toBe(true);
    offA();
    offA();
    emitter.fire('ping', 2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(emitter.listenerCount('ping')).toBe(1);
  });

  it('supports once, off and template event names', () => {
    const emitter = new Emitter();
    const seen: string[] = [];
    const listener = (value: string) => seen.push(value);
    emitter.once('event:a.b', listener);
    emitter.fire('event:a.b', 'first');
    emitter.fire('event:a.b', 'second');
    emitter.on('event:c', listener);
    emitter.off('event:c', listener);
    expect(emitter.fire('event:c', 'third')).toBe(false);
    expect(seen).toEqual(['first']);
  });

  it('lets a listener remove another during emit without skipping anyone', () => {
    const emitter = new Emitter();
    const seen: string[] = [];
    let offB = () => {};
    emitter.on('ping', () => {
      seen.push('a');
      offB();
    });
    offB = emitter.on('ping', () => seen.push('b'));
    emitter.fire('ping', 0);
    emitter.fire('ping', 0);
    expect(seen).toEqual(['a', 'b', 'a']);
  });

  it('reports a throwing listener without stopping the others', () => {
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    const emitter = new Emitter();
    const boom = new Error('listener bug');
    const seen: number[] = [];
    emitter.on('ping', () => {
      throw boom;
    });
    emitter.on('ping', (n) => seen.push(n));
    emitter.fire('ping', 7);
    expect(seen).toEqual([7]);
    expect(reportError).toHaveBeenCalledWith(boom);
  });

  it('does not throw when nobody listens', () => {
    const emitter = new Emitter();
    expect(emitter.fire('ping', 1)).toBe(false);
  });
});
