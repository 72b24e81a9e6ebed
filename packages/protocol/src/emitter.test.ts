import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { TypedEmitter } from './emitter.ts';

interface Events {
  ping: (n: number) => void;
  pair: (a: string, b: number) => void;
  error: (error: Error) => void;
  [topic: `event:${string}`]: (value: string) => void;
}

class Emitter extends TypedEmitter<Events> {
  fire<E extends keyof Events & string>(event: E, ...args: Parameters<Events[E]>): boolean {
    return this.emit(event, ...args);
  }
}

describe('TypedEmitter', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('calls listeners in order with every argument; on, once and off return the emitter', () => {
    const emitter = new Emitter();
    const seen: string[] = [];
    const a = (x: string, n: number) => seen.push(`a${x}${n}`);
    expect(emitter.on('pair', a)).toBe(emitter);
    expect(emitter.once('pair', (x, n) => seen.push(`b${x}${n}`))).toBe(emitter);
    expect(emitter.fire('pair', 'x', 1)).toBe(true);
    expect(emitter.off('pair', a)).toBe(emitter);
    expect(emitter.fire('pair', 'y', 2)).toBe(false);
    expect(seen).toEqual(['ax1', 'bx1']);
  });

  it('off removes the most recent registration of a listener, as Node does', () => {
    const emitter = new Emitter();
    const seen: number[] = [];
    const listener = (n: number) => seen.push(n);
    emitter.on('ping', listener).on('ping', listener);
    emitter.off('ping', listener);
    emitter.fire('ping', 1);
    expect(seen).toEqual([1]);
    expect(emitter.listenerCount('ping')).toBe(1);
  });

  it('listen returns a function that removes exactly that registration, once', () => {
    const emitter = new Emitter();
    const seen: string[] = [];
    const stopA = emitter.listen('ping', (n) => seen.push(`a${n}`));
    emitter.on('ping', (n) => seen.push(`b${n}`));
    emitter.fire('ping', 1);
    stopA();
    stopA();
    emitter.fire('ping', 2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(emitter.listenerCount('ping')).toBe(1);
  });

  it('supports template event names and removeAllListeners', () => {
    const emitter = new Emitter();
    const seen: string[] = [];
    emitter.on('event:a.b', (value) => seen.push(value));
    emitter.on('ping', () => seen.push('ping'));
    emitter.fire('event:a.b', 'first');
    emitter.removeAllListeners('event:a.b');
    emitter.fire('event:a.b', 'second');
    emitter.removeAllListeners();
    expect(emitter.fire('ping', 0)).toBe(false);
    expect(seen).toEqual(['first']);
  });

  it('lets a listener remove another during emit without skipping anyone', () => {
    const emitter = new Emitter();
    const seen: string[] = [];
    let stopB = () => {};
    emitter.on('ping', () => {
      seen.push('a');
      stopB();
    });
    stopB = emitter.listen('ping', () => seen.push('b'));
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

  it('lets a subclass route listener errors', () => {
    const failures: [unknown, string][] = [];
    class Routed extends Emitter {
      protected override listenerFailed(error: unknown, event: string): void {
        failures.push([error, event]);
      }
    }
    const emitter = new Routed();
    emitter.on('ping', () => {
      throw new Error('x');
    });
    emitter.fire('ping', 1);
    expect(failures).toHaveLength(1);
    expect(failures[0]![1]).toBe('ping');
  });

  it('does not throw an error event nobody listens to', () => {
    const emitter = new Emitter();
    expect(emitter.fire('error', new Error('nobody listens'))).toBe(false);
    expect(emitter.fire('ping', 1)).toBe(false);
  });

  it('types listeners from the events map', () => {
    const emitter = new Emitter();
    emitter.on('pair', (a, b) => {
      expectTypeOf(a).toEqualTypeOf<string>();
      expectTypeOf(b).toEqualTypeOf<number>();
    });
    emitter.on('event:x', (value) => expectTypeOf(value).toEqualTypeOf<string>());
    expectTypeOf(emitter.listen('ping', () => {})).toEqualTypeOf<() => void>();
    expectTypeOf(emitter.on('ping', () => {})).toEqualTypeOf<Emitter>();
    // @ts-expect-error: not an event of this map
    emitter.on('nope', () => {});
    // @ts-expect-error: the listener's argument has the wrong type
    emitter.on('ping', (value: string) => value);
  });
});
