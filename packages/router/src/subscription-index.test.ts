import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { patternArb, referenceMatches, topicArb } from '@switchboard/test-oracles';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { SubscriptionIndex } from './subscription-index.ts';
import { TrieNode } from './trie-node.ts';

describe('SubscriptionIndex', () => {
  it('adds, reports duplicates, removes and counts pairs and patterns', () => {
    const index = new SubscriptionIndex<string>();
    expect(index.add('agent.*.status', 'c1')).toBe(true);
    expect(index.add('agent.*.status', 'c1')).toBe(false);
    expect(index.add('agent.*.status', 'c2')).toBe(true);
    expect(index.add('agent.#', 'c1')).toBe(true);
    expect(index.size).toBe(3);
    expect(index.patternCount).toBe(2);
    expect(index.has('agent.*.status', 'c2')).toBe(true);
    expect(index.has('agent.*.status', 'c3')).toBe(false);
    expect(index.has('agent.*', 'c1')).toBe(false);
    expect([...index.patterns()].sort()).toEqual(['agent.#', 'agent.*.status']);

    expect(index.remove('agent.*.status', 'c3')).toBe(false);
    expect(index.remove('nope.*', 'c1')).toBe(false);
    expect(index.remove('agent.*.status', 'c1')).toBe(true);
    expect(index.remove('agent.*.status', 'c1')).toBe(false);
    expect(index.size).toBe(2);
    expect(index.patternCount).toBe(2);
  });

  it('tells interest listeners when a pattern gets its first subscriber and loses its last', () => {
    const index = new SubscriptionIndex<string>();
    const events: string[] = [];
    index.on('pattern-added', (p) => events.push(`+${p}:${index.hasMatch('a.b')}`));
    const stop = index.listen('pattern-removed', (p) =>
      events.push(`-${p}:${index.hasMatch('a.b')}`),
    );
    index.add('a.*', 'c1');
    index.add('a.*', 'c2');
    index.add('a.*', 'c2');
    // Another spelling of the same node is its own pattern.
    index.add('a.#.#', 'c1');
    index.remove('a.*', 'c1');
    index.remove('a.*', 'c3');
    index.remove('a.*', 'c2');
    expect(events).toEqual(['+a.*:true', '+a.#.#:true', '-a.*:true']);
    index.add('x', 'c1');
    index.clear();
    expect(events.slice(3).sort()).toEqual(['+x:true', '-a.#.#:false', '-x:false']);
    // listen() returns a function that removes exactly that listener.
    stop();
    index.add('y', 'c1');
    index.remove('y', 'c1');
    expect(events.slice(6)).toEqual(['+y:false']);
  });

  it('returns each subscriber once even when several of its patterns match', () => {
    const index = new SubscriptionIndex<string>();
    index.add('agent.#', 'c1');
    index.add('agent.*.status', 'c1');
    index.add('#', 'c1');
    index.add('#.status', 'c2');
    expect(index.match('agent.7.status')).toEqual(new Set(['c1', 'c2']));
    expect(index.matchCount('agent.7.status')).toBe(2);
    const pairs: string[] = [];
    index.forEachMatch('agent.7.status', (s, p) => pairs.push(`${s}:${p}`));
    expect(pairs.sort()).toEqual(['c1:#', 'c1:agent.#', 'c1:agent.*.status', 'c2:#.status']);
  });

  it('handles # matching zero segments at the end, the start and in the middle', () => {
    const index = new SubscriptionIndex<string>();
    index.add('agent.#', 'end');
    index.add('#.agent', 'start');
    index.add('a.#.b', 'middle');
    index.add('#', 'all');
    expect(index.match('agent')).toEqual(new Set(['end', 'start', 'all']));
    expect(index.match('a.b')).toEqual(new Set(['middle', 'all']));
    expect(index.match('a.x.x.b')).toEqual(new Set(['middle', 'all']));
  });

  it('keeps spellings with runs of # apart while matching them alike', () => {
    const index = new SubscriptionIndex<string>();
    index.add('a.#', 's');
    index.add('a.#.#', 's');
    expect(index.size).toBe(2);
    expect(index.patternCount).toBe(2);
    expect(index.has('a.#.#', 's')).toBe(true);
    const pairs: string[] = [];
    index.forEachMatch('a.b', (_s, p) => pairs.push(p));
    expect(pairs.sort()).toEqual(['a.#', 'a.#.#']);
    expect(index.matchCount('a.b')).toBe(1);
    expect(index.remove('a.#', 's')).toBe(true);
    expect(index.match('a')).toEqual(new Set(['s']));
    expect(index.remove('a.#.#', 's')).toBe(true);
    expect(index.match('a')).toEqual(new Set());
    expect(index.nodeCount).toBe(1);
  });

  it('rejects invalid patterns with INVALID_PATTERN', () => {
    const index = new SubscriptionIndex<string>();
    for (const bad of ['', 'a..b', 'a.b*', 'a b', '.a', 'a.#x']) {
      const error = (() => {
        try {
          index.add(bad, 's');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(SwitchboardError);
      expect((error as SwitchboardError).code).toBe(ErrorCode.INVALID_PATTERN);
    }
    expect(index.size).toBe(0);
  });

  it('lets callbacks of forEachMatch unsubscribe safely', () => {
    const index = new SubscriptionIndex<number>();
    for (let i = 0; i < 10; i++) index.add('x.#', i);
    const seen: number[] = [];
    index.forEachMatch('x.y', (s, p) => {
      seen.push(s);
      index.remove(p, s);
    });
    expect(seen).toHaveLength(10);
    expect(index.size).toBe(0);
    expect(index.nodeCount).toBe(1);
  });

  it('answers hasMatch at the first matching subscription, without walking the others', () => {
    // The engine asks this for every topic whose last entry leaves history; with `#`
    // subscribers (dashboards, recorders) nearly every topic matches many patterns.
    const index = new SubscriptionIndex<string>();
    for (const pattern of [
      'agent.7.status',
      'agent.*.status',
      'agent.#',
      '*.7.*',
      '#',
      '#.status',
    ]) {
      index.add(pattern, 'c');
    }
    for (let i = 0; i < 50; i++) index.add(`agent.#.s${i}.#`, 'c');
    const looked = vi.spyOn(TrieNode.prototype, 'hasBindings');
    try {
      expect(index.hasMatch('agent.7.status')).toBe(true);
      // The pattern without wildcards answers from its own lookup, before any walk.
      expect(looked).toHaveBeenCalledTimes(0);
      looked.mockClear();
      expect(index.hasMatch('agent.7.idle')).toBe(true);
      expect(looked.mock.calls.length).toBeLessThanOrEqual(3);
      looked.mockClear();
      expect(index.hasMatch('nobody.listens.here.status.x')).toBe(true);
    } finally {
      looked.mockRestore();
    }
    index.remove('#', 'c');
    expect(index.hasMatch('nobody.listens.here.status.x')).toBe(false);
    expect(index.hasMatch('nobody.listens.here.status')).toBe(true);
  });

  it('finds the few matching subscriptions among 400,000', () => {
    const index = new SubscriptionIndex<number>();
    for (let i = 0; i < 200_000; i++) {
      index.add(`agent.${i}.status`, i);
      index.add(`task.${i}.#`, i);
    }
    // A walk touches the topic's own branch only: check through the result, and that a miss
    // reports nothing rather than timing it.
    expect(index.match('agent.123.status')).toEqual(new Set([123]));
    expect(index.match('task.9.done.now')).toEqual(new Set([9]));
    expect(index.matchCount('agent.x.status')).toBe(0);
  });
});

type Op = { kind: 'add' | 'remove'; pattern: string; subscriber: number };

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('add', 'add', 'remove') as fc.Arbitrary<'add' | 'remove'>,
  pattern: patternArb,
  subscriber: fc.integer({ min: 0, max: 4 }),
});

describe('SubscriptionIndex add/remove consistency', () => {
  it('behaves like a set of (pattern, subscriber) pairs', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 80 }),
        fc.array(topicArb, { maxLength: 8 }),
        (ops, topics) => {
          const index = new SubscriptionIndex<number>();
          const model = new Set<string>();
          for (const op of ops) {
            const key = `${op.subscriber} ${op.pattern}`;
            if (op.kind === 'add') {
              expect(index.add(op.pattern, op.subscriber)).toBe(!model.has(key));
              model.add(key);
            } else {
              expect(index.remove(op.pattern, op.subscriber)).toBe(model.has(key));
              model.delete(key);
            }
          }
          const pairs = [...model].map((k) => {
            const [s, p] = k.split(' ') as [string, string];
            return { subscriber: Number(s), pattern: p };
          });
          expect(index.size).toBe(model.size);
          const distinctPatterns = new Set(pairs.map((x) => x.pattern));
          expect(index.patternCount).toBe(distinctPatterns.size);
          expect([...index.patterns()].sort()).toEqual([...distinctPatterns].sort());
          for (const { pattern, subscriber } of pairs) {
            expect(index.has(pattern, subscriber)).toBe(true);
          }
          for (const topic of topics) {
            const expected = new Set(
              pairs.filter((x) => referenceMatches(x.pattern, topic)).map((x) => x.subscriber),
            );
            expect(index.match(topic)).toEqual(expected);
            expect(index.matchCount(topic)).toBe(expected.size);
            expect(index.hasMatch(topic)).toBe(expected.size > 0);
          }
          // Removing everything prunes the trie back to its root.
          for (const { pattern, subscriber } of pairs) {
            expect(index.remove(pattern, subscriber)).toBe(true);
          }
          expect(index.size).toBe(0);
          expect(index.patternCount).toBe(0);
          expect(index.nodeCount).toBe(1);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('SubscriptionIndex agrees with the reference matcher', () => {
  it('SubscriptionIndex.match(topic) over many patterns', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(patternArb, { minLength: 1, maxLength: 40 }),
        fc.array(topicArb, { minLength: 1, maxLength: 20 }),
        (patterns, topics) => {
          const index = new SubscriptionIndex<number>();
          // Two subscribers share every third pattern so that deduplication is exercised.
          patterns.forEach((pattern, i) => {
            index.add(pattern, i);
            if (i % 3 === 0) index.add(pattern, -1);
          });
          for (const topic of topics) {
            const expected = new Set<number>();
            patterns.forEach((pattern, i) => {
              if (referenceMatches(pattern, topic)) {
                expected.add(i);
                if (i % 3 === 0) expected.add(-1);
              }
            });
            expect(index.match(topic)).toEqual(expected);
            expect(index.matchCount(topic)).toBe(expected.size);
            expect(index.hasMatch(topic)).toBe(expected.size > 0);

            const pairs: string[] = [];
            index.forEachMatch(topic, (subscriber, pattern) =>
              pairs.push(`${subscriber} ${pattern}`),
            );
            const expectedPairs = patterns.flatMap((pattern, i) => {
              if (!referenceMatches(pattern, topic)) return [];
              return i % 3 === 0 ? [`${i} ${pattern}`, `-1 ${pattern}`] : [`${i} ${pattern}`];
            });
            // Every matching pair exactly once: no duplicates via different `#` alignments.
            expect(pairs.sort()).toEqual(expectedPairs.sort());
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
