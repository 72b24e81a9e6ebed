import { z } from 'zod';

/**
 * Second names of payload fields: `{ at: 'timestamp', percent: 'progress' }`. The key is the
 * field's name in the schema, the value the name the older API (`@claude-flow/realtime`) used.
 * Aliased fields hold single values (numbers, strings), compared with `===`.
 */
export type FieldAliases<T extends z.ZodObject> = {
  readonly [K in keyof z.output<T> & string]?: string;
};

type Out<T extends z.ZodObject> = z.output<T>;
type In<T extends z.ZodObject> = z.input<T>;

/**
 * A payload as `eventSchema` outputs it: the schema's fields, each aliased field also under
 * its second name (same value, same optionality), and any other field the sender added.
 */
export type EventPayload<T extends z.ZodObject, A> = Out<T> & {
  [K in keyof Out<T> as K extends keyof A ? A[K] & string : never]: Out<T>[K];
} & { [field: string]: unknown };

/** What `eventSchema` takes: each aliased field under either of its names, other fields too. */
export type EventPayloadInput<T extends z.ZodObject, A> = {
  [K in keyof In<T> as K extends keyof A ? never : K]: In<T>[K];
} & { [K in keyof In<T> as K extends keyof A ? K : never]?: In<T>[K] } & {
  [K in keyof In<T> as K extends keyof A ? A[K] & string : never]?: In<T>[K];
} & { [field: string]: unknown };

export type EventSchema<T extends z.ZodObject, A> = z.ZodType<
  EventPayload<T, A>,
  EventPayloadInput<T, A>
>;

export interface EventSchemaOptions<T extends z.ZodObject, A extends FieldAliases<T>> {
  /** Fields that also go by a second name; either is accepted and both are sent. */
  aliases?: A;
  /**
   * Fills in fields that follow from others (both spellings of a nested value, a summary),
   * on the parsed payload, on both the sending and the receiving side.
   */
  derive?: (payload: EventPayload<T, A>) => void;
}

const aliasRegistry = new WeakMap<z.ZodType, Readonly<Record<string, string>>>();

/** The second name of `field` in a schema made by `eventSchema`, if it has one. */
export function aliasOf(schema: z.ZodType, field: string): string | undefined {
  return aliasRegistry.get(schema)?.[field];
}

/**
 * An event payload schema that loses nothing a sender adds and speaks both dialects:
 *
 * - unknown fields travel to subscribers (passthrough), at every level of `schema` that is a
 *   loose object, and always at the top;
 * - each field in `aliases` may be given under either name; both are sent, so a subscriber
 *   reading either name gets the value. Both given and different: INVALID_MESSAGE naming
 *   the second name. Neither given for a required field: the error names the field.
 */
export function eventSchema<
  T extends z.ZodObject,
  const A extends FieldAliases<T> = Record<never, never>,
>(schema: T, options: EventSchemaOptions<T, A> = {}): EventSchema<T, A> {
  const aliases = Object.entries((options.aliases ?? {}) as Record<string, string>);
  const fields = schema.shape as Record<string, z.ZodType>;
  // Both names optional at first: which one was given is sorted out below.
  const lenient: Record<string, z.ZodType> = { ...fields };
  for (const [field, alias] of aliases) {
    lenient[field] = fields[field]!.optional();
    lenient[alias] = fields[field]!.optional();
  }
  const result = z.looseObject(lenient).transform((value, context) => {
    const payload = value as Record<string, unknown>;
    for (const [field, alias] of aliases) {
      const [given, other] = [payload[field], payload[alias]];
      if (given === undefined && other !== undefined) payload[field] = other;
      else if (given !== undefined && other !== undefined && given !== other) {
        context.addIssue({
          code: 'custom',
          path: [alias],
          message: `disagrees with "${field}" (the same value under its other name)`,
        });
        return z.NEVER;
      }
      if (payload[field] === undefined) {
        const missing = fields[field]!.safeParse(undefined);
        if (!missing.success) {
          context.addIssue({
            code: 'custom',
            path: [field],
            message: `${missing.error.issues[0]!.message} (also accepted as "${alias}")`,
          });
          return z.NEVER;
        }
      } else {
        payload[alias] = payload[field];
      }
    }
    options.derive?.(payload as EventPayload<T, A>);
    return payload;
  }) as unknown as EventSchema<T, A>;
  aliasRegistry.set(result, Object.fromEntries(aliases));
  return result;
}
