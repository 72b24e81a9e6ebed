import { ErrorCode } from '@switchboard/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineChannel, topicBuilders } from './channel.ts';
import { SegmentId, Timestamp } from './validation.ts';

const Item = z.object({ boardId: SegmentId, itemId: SegmentId, at: Timestamp });
/** A channel with the swarm's extra shape: kinds whose topics carry a fourth segment. */
const BOARD = defineChannel({
  prefix: 'board',
  id: 'boardId',
  kinds: ['renamed', 'item'],
  schemas: {
    renamed: z.object({ boardId: SegmentId, name: z.string(), at: Timestamp }),
    item: Item,
  },
  events: { renamed: 'rename' },
  subIds: { item: 'itemId' },
});

const event = (topic: string, data: unknown) => ({
  topic,
  data,
  sequenceNumber: 1,
  offset: 1,
  epoch: 'e',
  timestamp: 1,
});

describe('Channel topics', () => {
  it('builds <prefix>.<id>.<kind>, and <prefix>.<id>.<kind>.<subId> for kinds with a sub id', () => {
    expect(BOARD.topic('b1', 'renamed')).toBe('board.b1.renamed');
    expect(BOARD.topic('b1', 'item', 'i7')).toBe('board.b1.item.i7');
    expect(BOARD.pattern('b1', 'renamed')).toBe('board.b1.renamed');
    expect(BOARD.pattern('b1', 'item')).toBe('board.b1.item.*');
    expect(BOARD.wildcard('renamed')).toBe('board.*.renamed');
    expect(BOARD.wildcard('item')).toBe('board.*.item.*');
    expect(BOARD.eventName('renamed')).toBe('rename');
    expect(BOARD.eventName('item')).toBe('item');
  });

  it('names the bad id: the entity id first, then the sub id; the last id for a long topic', () => {
    expect(() => BOARD.topic('b.1', 'item', 'x y')).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_TOPIC, details: { field: 'boardId' } }),
    );
    expect(() => BOARD.topic('b1', 'item', 'x y')).toThrow(
      expect.objectContaining({ details: { field: 'itemId' } }),
    );
    expect(() => BOARD.topic('b1', 'item')).toThrow(
      expect.objectContaining({ message: 'Invalid itemId undefined: must be a string' }),
    );
    expect(() => BOARD.topic('b1', 'item', 'i'.repeat(250))).toThrow(
      expect.objectContaining({ details: { field: 'itemId' } }),
    );
    expect(() => BOARD.pattern('*', 'item')).toThrow(
      expect.objectContaining({ details: { field: 'boardId' } }),
    );
  });

  it('parses its own topics and patterns, and nothing else', () => {
    expect(BOARD.parseTopic('board.b1.renamed')).toEqual({ boardId: 'b1', kind: 'renamed' });
    expect(BOARD.parseTopic('board.b1.item.i7')).toEqual({
      boardId: 'b1',
      kind: 'item',
      itemId: 'i7',
    });
    expect(BOARD.parseTopic('board.*.item.*')).toEqual({ boardId: '*', kind: 'item', itemId: '*' });
    for (const other of [
      'board.b1.item',
      'board.b1.renamed.x',
      'board.b1.unknown',
      'agent.b1.renamed',
      'board',
    ]) {
      expect(BOARD.parseTopic(other)).toBeUndefined();
    }
    expectTypeOf(BOARD.parseTopic('board.b1.item.i7')).toEqualTypeOf<
      ({ boardId: string } & { kind: 'renamed' | 'item' } & { itemId?: string }) | undefined
    >();
  });

  it('builds the topic builders of the kinds without a sub id', () => {
    const builders = topicBuilders(BOARD);
    expect(builders.renamed('b1')).toBe('board.b1.renamed');
    expect(builders.allRenamed).toBe('board.*.renamed');
    expect(Object.keys(builders)).toEqual(['renamed', 'allRenamed']);
    expectTypeOf(builders.allRenamed).toEqualTypeOf<'board.*.renamed'>();
  });
});

describe('Channel payloads', () => {
  it('prepare fills in `at`, checks the ids before the payload, and names the bad field', () => {
    expect(BOARD.prepare('item', { boardId: 'b1', itemId: 'i1', at: 3 })).toEqual({
      topic: 'board.b1.item.i1',
      payload: { boardId: 'b1', itemId: 'i1', at: 3 },
    });
    expect(BOARD.prepare('renamed', { boardId: 'b1', name: 'x' }).payload.at).toBeTypeOf('number');
    expect(() => BOARD.prepare('renamed', { boardId: 'b 1', name: 5 as never })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_TOPIC }),
    );
    expect(() => BOARD.prepare('renamed', { boardId: 'b1', name: 5 as never })).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_MESSAGE,
        message:
          'Invalid board renamed event: name: Invalid input: expected string, received number',
        details: { field: 'name' },
      }),
    );
    expect(() => BOARD.prepare('renamed', null as never)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_TOPIC, details: { field: 'boardId' } }),
    );
  });

  it('parseEvent validates with the kind schema and refuses ids that disagree with the topic', () => {
    expect(
      BOARD.parseEvent(event('board.b1.item.i1', { boardId: 'b1', itemId: 'i1', at: 1 })),
    ).toEqual({ kind: 'item', id: 'b1', payload: { boardId: 'b1', itemId: 'i1', at: 1 } });
    expect(BOARD.parseEvent(event('other.b1.item.i1', {}))).toBeUndefined();
    expect(() =>
      BOARD.parseEvent(event('board.b1.item.i1', { boardId: 'b1', itemId: 'i2', at: 1 })),
    ).toThrow(
      expect.objectContaining({
        message: 'Invalid event on "board.b1.item.i1": itemId "i2" does not match the topic',
        details: { field: 'itemId', topic: 'board.b1.item.i1' },
      }),
    );
    expect(() => BOARD.parseEvent(event('board.b1.renamed', 'nope'))).toThrow(
      expect.objectContaining({ details: { field: 'payload', topic: 'board.b1.renamed' } }),
    );
  });
});

describe('defineChannel', () => {
  const schema = z.object({ xId: SegmentId, at: Timestamp });
  it('refuses an inconsistent spec with a TypeError saying what is wrong', () => {
    const cases: [unknown, string][] = [
      [
        { prefix: 'a.b', id: 'xId', kinds: ['k'], schemas: { k: schema } },
        'prefix must be a single topic segment (no ".")',
      ],
      [
        { prefix: 'x', id: 'xId', kinds: ['k', 'k'], schemas: { k: schema } },
        'kinds must not repeat',
      ],
      [
        { prefix: 'x', id: 'xId', kinds: ['k', 'j'], schemas: { k: schema } },
        'no schema for kind "j"',
      ],
      [
        { prefix: 'x', id: 'xId', kinds: ['k'], schemas: { k: schema }, events: { k: 'error' } },
        'event name "error" of kind "k" is reserved, repeated or contains ":"',
      ],
      [
        { prefix: 'x', id: 'xId', kinds: ['k'], schemas: { k: schema }, subIds: { j: 'jId' } },
        'subIds names "j", which is not one of the kinds',
      ],
    ];
    for (const [spec, message] of cases) {
      const prefix = (spec as { prefix: string }).prefix;
      expect(() => defineChannel(spec as never)).toThrow(
        new TypeError(`defineChannel(${JSON.stringify(prefix)}): ${message}`),
      );
    }
  });

  it('checks the spec at compile time too', () => {
    expect(() =>
      // @ts-expect-error kind "j" has no schema
      defineChannel({ prefix: 'x', id: 'xId', kinds: ['k', 'j'], schemas: { k: schema } }),
    ).toThrow(TypeError);
  });
});
