import { ErrorCode } from '@switchboard/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineChannel, type SpecOf } from './channel.ts';
import type { InputOf } from './channel-types.ts';
import { eventSchema } from './event-schema.ts';
import { MemoryHub } from './test-support/memory-hub.ts';
import { parsePayload, SegmentId, Timestamp } from './validation.ts';

// A payload known by two names, as the seed API (`@claude-flow/realtime`) spelled it.
const Progress = eventSchema(
  z.object({
    jobId: SegmentId,
    percent: z.number().min(0).max(100),
    stats: z.record(z.string(), z.number()).default({}),
    cpu: z.number().optional(),
    at: Timestamp,
  }),
  {
    aliases: { at: 'timestamp', percent: 'progress' },
    derive: (payload) => {
      if (payload.cpu === undefined && payload.stats.cpu !== undefined)
        payload.cpu = payload.stats.cpu;
    },
  },
);
const parse = (data: unknown) => parsePayload(Progress, data, 'progress event');
const JOBS = defineChannel({
  prefix: 'job',
  id: 'jobId',
  kinds: ['progress'],
  schemas: { progress: Progress },
});

describe('eventSchema', () => {
  it('takes a field under either name and outputs both', () => {
    expect(parse({ jobId: 'j1', progress: 50, timestamp: 7 })).toEqual({
      jobId: 'j1',
      percent: 50,
      progress: 50,
      stats: {},
      at: 7,
      timestamp: 7,
    });
    expect(parse({ jobId: 'j1', percent: 50, at: 7 })).toMatchObject({
      progress: 50,
      timestamp: 7,
    });
    expect(parse({ jobId: 'j1', percent: 50, progress: 50, at: 7 })).toMatchObject({ percent: 50 });
  });

  it('keeps fields it does not know (passthrough) and derives the ones that follow', () => {
    const payload = parse({ jobId: 'j1', percent: 5, at: 1, stats: { cpu: 40 }, note: { a: 1 } });
    expect(payload).toMatchObject({ note: { a: 1 }, cpu: 40, stats: { cpu: 40 } });
  });

  it('names the field that is missing, bad, or disagrees with its other name', () => {
    const refusal = (data: unknown) => {
      try {
        parse(data);
      } catch (error) {
        return error;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal({ jobId: 'j1', at: 1 })).toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      message: expect.stringContaining('percent: Invalid input: expected number'),
      details: { field: 'percent' },
    });
    expect((refusal({ jobId: 'j1', at: 1 }) as Error).message).toContain('"progress"');
    expect(refusal({ jobId: 'j1', progress: 101, at: 1 })).toMatchObject({
      details: { field: 'progress' },
    });
    expect(refusal({ jobId: 'j1', percent: 5, progress: 6, at: 1 })).toMatchObject({
      message: expect.stringContaining('progress: disagrees with "percent"'),
      details: { field: 'progress' },
    });
  });

  it('types both names on the payload, either (or neither, for `at`) on the input', () => {
    type Input = InputOf<SpecOf<typeof JOBS>, 'progress'>;
    expectTypeOf<{ jobId: string; progress: number; timestamp: number }>().toExtend<Input>();
    expectTypeOf<{ jobId: string; percent: number }>().toExtend<Input>();
    const payload = parse({ jobId: 'j1', percent: 1, at: 1 });
    expectTypeOf(payload.progress).toEqualTypeOf<number>();
    expectTypeOf(payload.timestamp).toEqualTypeOf<number>();
    expectTypeOf(payload.stats).toEqualTypeOf<Record<string, number>>();
  });

  it('prepare fills in `at` only when neither name was given', () => {
    expect(
      JOBS.prepare('progress', { jobId: 'j1', percent: 1, timestamp: 3 }).payload,
    ).toMatchObject({ at: 3, timestamp: 3 });
    const before = Date.now();
    const { payload } = JOBS.prepare('progress', { jobId: 'j1', percent: 1 });
    expect(payload.at).toBeGreaterThanOrEqual(before);
    expect(payload.timestamp).toBe(payload.at);
  });
});

describe('alsoEmits', () => {
  const PEOPLE = defineChannel({
    prefix: 'room',
    id: 'roomId',
    kinds: ['presence'],
    schemas: {
      presence: z.object({
        roomId: SegmentId,
        event: z.enum(['in', 'out', 'idle']),
        at: Timestamp,
      }),
    },
    alsoEmits: { presence: { field: 'event', names: { in: 'entered', out: 'left' } } },
  });

  it('emits a kind also under the name its payload picks, and per entity', async () => {
    const { ChannelClient } = await import('./channel-client.ts');
    const hub = new MemoryHub();
    const client = new ChannelClient(PEOPLE, hub.connect());
    await client.subscribeAll();
    const seen: string[] = [];
    client.on('presence', (e) => seen.push(`presence ${e.event}`));
    client.on('entered', (e, meta) => seen.push(`entered ${e.roomId} ${meta.topic}`));
    client.on('entered:r1', () => seen.push('entered:r1'));
    client.on('left:r1', (e) => seen.push(`left:r1 ${e.event}`));
    for (const event of ['in', 'idle', 'out'] as const) {
      await PEOPLE.publish(hub, 'presence', { roomId: 'r1', event });
    }
    expect(seen).toEqual([
      'presence in',
      'entered r1 room.r1.presence',
      'entered:r1',
      'presence idle',
      'presence out',
      'left:r1 out',
    ]);
  });

  it('refuses reserved, repeated or unknown names in alsoEmits', () => {
    const spec = (alsoEmits: object) => () =>
      defineChannel({
        prefix: 'room',
        id: 'roomId',
        kinds: ['presence'],
        schemas: { presence: z.object({ roomId: SegmentId, at: Timestamp }) },
        alsoEmits: alsoEmits as never,
      });
    expect(spec({ presence: { field: 'e', names: { x: 'error' } } })).toThrow(/"error".*reserved/);
    expect(spec({ presence: { field: 'e', names: { x: 'presence' } } })).toThrow(/repeated/);
    expect(spec({ other: { field: 'e', names: { x: 'y' } } })).toThrow(
      /alsoEmits names "other", which is not one of the kinds/,
    );
  });
});

describe('parsePayload', () => {
  it('names the field a strict schema does not know', () => {
    expect(() =>
      parsePayload(z.strictObject({ a: z.number() }), { a: 1, voter: 'x' }, 'vote'),
    ).toThrow(expect.objectContaining({ details: { field: 'voter' } }));
  });
});
