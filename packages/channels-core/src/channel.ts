import type {
  ChannelEvent,
  ChannelSpec,
  EventNameOf,
  InputOf,
  KindOf,
  ParsedTopic,
  PayloadOf,
} from './channel-types.ts';
import { aliasOf } from './event-schema.ts';
import type { HubEvent } from './hub.ts';
import { selectKinds } from './kinds.ts';
import { assertSegment, joinTopic, mismatch, parsePayload, segmentProblem } from './validation.ts';

/** Anything that publishes: `WSRouter`, `WSClient`, or the hub shapes of this package. */
export interface Publisher<R> {
  publish(topic: string, data: unknown): Promise<R>;
}

/**
 * One channel's kinds, schemas, topics and event names, and the pure logic on them: building
 * and parsing topics, checking what is published, validating what arrives. `ChannelClient`
 * and `ChannelServer` add the hub; a channel package defines one of these.
 */
export class Channel<const S extends ChannelSpec> {
  readonly prefix: S['prefix'];
  /** The payload field that holds the entity id. */
  readonly idField: S['id'];
  readonly kinds: S['kinds'];
  readonly #spec: S;

  constructor(spec: S) {
    checkSpec(spec);
    this.#spec = spec;
    this.prefix = spec.prefix;
    this.idField = spec.id;
    this.kinds = spec.kinds;
  }

  /** The event a kind is emitted as (`status` -> `status-change`). */
  eventName<K extends KindOf<S>>(kind: K): EventNameOf<S, K> {
    return (this.#spec.events?.[kind] ?? kind) as EventNameOf<S, K>;
  }

  /** The extra name an event is also emitted as (`alsoEmits`), picked by its payload. */
  alsoEmitted(kind: KindOf<S>, payload: unknown): string | undefined {
    const also = this.#spec.alsoEmits?.[kind];
    if (also === undefined) return undefined;
    const value = (payload as Record<string, unknown>)[also.field];
    return typeof value === 'string' && Object.hasOwn(also.names, value)
      ? also.names[value]
      : undefined;
  }

  /** The field of the fourth topic segment of `kind`, if its topics have one. */
  subIdField(kind: KindOf<S>): string | undefined {
    return this.#spec.subIds?.[kind];
  }

  /**
   * `<prefix>.<id>.<kind>`, or `<prefix>.<id>.<kind>.<subId>` for a kind with a sub id.
   * Throws INVALID_TOPIC naming the id field that is not one topic segment, or the last id
   * when the whole topic is too long.
   */
  topic(id: string, kind: KindOf<S>, subId?: string): string {
    assertSegment(id, this.idField);
    const subField = this.subIdField(kind);
    if (subField === undefined) return joinTopic([this.prefix, id, kind], this.idField);
    assertSegment(subId, subField);
    return joinTopic([this.prefix, id, kind, subId], subField);
  }

  /**
   * The pattern of one entity's events of `kind`: its topic, or `swarm.s1.proposal.*` for a
   * kind with a sub id. Throws INVALID_TOPIC naming the id field for a bad id (`*` too).
   */
  pattern(id: string, kind: KindOf<S>): string {
    if (this.subIdField(kind) === undefined) return this.topic(id, kind);
    assertSegment(id, this.idField);
    return `${this.prefix}.${id}.${kind}.*`;
  }

  /** The pattern of every entity's events of `kind`: `agent.*.status`, `swarm.*.proposal.*`. */
  wildcard(kind: KindOf<S>): string {
    const base = `${this.prefix}.*.${kind}`;
    return this.subIdField(kind) === undefined ? base : `${base}.*`;
  }

  /** The kinds asked for, or all; a TypeError names a kind the channel does not have. */
  selectKinds(requested: readonly KindOf<S>[] | undefined): readonly KindOf<S>[] {
    return selectKinds(this.prefix, this.kinds, requested);
  }

  /** The parts of one of this channel's topics (or patterns), or undefined for any other. */
  parseTopic(topic: string): ParsedTopic<S> | undefined {
    const parts = topic.split('.');
    const [prefix, id, kind, subId] = parts;
    if (prefix !== this.prefix || !this.#isKind(kind)) return undefined;
    const subField = this.subIdField(kind);
    if (parts.length !== (subField === undefined ? 3 : 4)) return undefined;
    const parsed: Record<string, string> = { [this.idField]: id!, kind };
    if (subField !== undefined) parsed[subField] = subId!;
    return parsed as ParsedTopic<S>;
  }

  /**
   * Checks the ids (INVALID_TOPIC naming the field) and the payload (INVALID_MESSAGE naming
   * the first bad field), and fills in `at` unless it was given (also under its second name,
   * see `eventSchema`). `what` names the payload in messages.
   */
  prepare<K extends KindOf<S>>(
    kind: K,
    input: InputOf<S, K>,
    what = `${this.prefix} ${kind} event`,
  ): { topic: string; payload: PayloadOf<S, K> } {
    // Not an object at all (from untyped callers): the missing id is the error.
    const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<
      string,
      unknown
    > & { at?: number | undefined };
    const subField = this.subIdField(kind);
    const topic = this.topic(
      fields[this.idField] as string,
      kind,
      subField === undefined ? undefined : (fields[subField] as string),
    );
    const schema = this.#spec.schemas[kind]!;
    const atAlias = aliasOf(schema, 'at');
    const stamped =
      fields.at === undefined && (atAlias === undefined || fields[atAlias] === undefined)
        ? { ...fields, at: Date.now() }
        : fields;
    const payload = parsePayload(schema, stamped, what);
    return { topic, payload: payload as PayloadOf<S, K> };
  }

  /** `prepare`, then publishes the payload to its topic. */
  async publish<K extends KindOf<S>, R>(
    target: Publisher<R>,
    kind: K,
    input: InputOf<S, K>,
    what?: string,
  ): Promise<R> {
    const { topic, payload } = this.prepare(kind, input, what);
    return target.publish(topic, payload);
  }

  /**
   * Validates an event that arrived: undefined when its topic is not one of this channel's,
   * else its kind, entity id and payload. Throws INVALID_MESSAGE naming the bad field, also
   * when an id in the payload disagrees with the topic.
   */
  parseEvent(event: HubEvent): ChannelEvent<S> | undefined {
    const topic = this.parseTopic(event.topic) as Record<string, string> | undefined;
    if (topic === undefined) return undefined;
    const kind = topic.kind as KindOf<S>;
    const payload = parsePayload(
      this.#spec.schemas[kind]!,
      event.data,
      `${this.prefix} ${kind} event`,
      event.topic,
    ) as Record<string, unknown>;
    for (const field of [this.idField, this.subIdField(kind)]) {
      if (field !== undefined && payload[field] !== topic[field]) {
        throw mismatch(field, String(payload[field]), event.topic);
      }
    }
    return { kind, id: topic[this.idField]!, payload } as ChannelEvent<S>;
  }

  #isKind(kind: string | undefined): kind is KindOf<S> {
    return kind !== undefined && this.kinds.includes(kind);
  }
}

/** The spec a channel was defined with: `SpecOf<typeof AGENT_CHANNEL>`. */
export type SpecOf<C> = C extends Channel<infer S> ? S : never;

/** Defines a channel; see `ChannelSpec`. Throws a TypeError for an inconsistent spec. */
export function defineChannel<const S extends ChannelSpec>(
  spec: S & ChannelSpecChecks<S>,
): Channel<S> {
  return new Channel<S>(spec);
}

/** Compile-time checks of a spec: a schema for every kind, renames and sub ids of known kinds only. */
type ChannelSpecChecks<S extends ChannelSpec> = {
  readonly schemas: { readonly [K in KindOf<S>]: S['schemas'][K] };
  readonly events?: { readonly [K in KindOf<S>]?: string };
  readonly subIds?: { readonly [K in KindOf<S>]?: string };
  readonly alsoEmits?: {
    readonly [K in KindOf<S>]?: NonNullable<ChannelSpec['alsoEmits']>[string];
  };
};

function checkSpec(spec: ChannelSpec): void {
  const problem = (message: string): never => {
    throw new TypeError(`defineChannel(${JSON.stringify(spec.prefix)}): ${message}`);
  };
  for (const [field, value] of [
    ['prefix', spec.prefix],
    ['id', spec.id],
  ] as const) {
    const why = segmentProblem(value);
    if (why !== undefined) problem(`${field} ${why}`);
  }
  const kinds = new Set<string>(spec.kinds);
  if (kinds.size !== spec.kinds.length) problem('kinds must not repeat');
  const names = new Set<string>();
  for (const kind of spec.kinds) {
    const why = segmentProblem(kind);
    if (why !== undefined) problem(`kind ${JSON.stringify(kind)} ${why}`);
    if (spec.schemas[kind] === undefined) problem(`no schema for kind "${kind}"`);
    const name = spec.events?.[kind] ?? kind;
    if (name === 'error' || name.includes(':') || names.has(name)) {
      problem(`event name "${name}" of kind "${kind}" is reserved, repeated or contains ":"`);
    }
    names.add(name);
  }
  for (const [kind, also] of Object.entries(spec.alsoEmits ?? {})) {
    for (const name of Object.values(also.names)) {
      if (name === 'error' || name.includes(':') || names.has(name)) {
        problem(`event name "${name}" of kind "${kind}" is reserved, repeated or contains ":"`);
      }
      names.add(name);
    }
  }
  for (const [what, map] of [
    ['schemas', spec.schemas],
    ['events', spec.events],
    ['subIds', spec.subIds],
    ['alsoEmits', spec.alsoEmits],
  ] as const) {
    for (const kind of Object.keys(map ?? {})) {
      if (!kinds.has(kind)) problem(`${what} names "${kind}", which is not one of the kinds`);
    }
  }
}

/** Kinds of a channel whose topics have no fourth segment. */
type PlainKind<S extends ChannelSpec> = S extends { readonly subIds: infer M }
  ? Exclude<KindOf<S>, keyof M>
  : KindOf<S>;

/**
 * Topic builders of a channel's kinds without sub ids: `status(agentId)` and the wildcard
 * over every entity, `allStatus` (`agent.*.status`).
 */
export type TopicBuilders<S extends ChannelSpec> = {
  readonly [K in PlainKind<S>]: (id: string) => string;
} & {
  readonly [K in PlainKind<S> as `all${Capitalize<K>}`]: `${S['prefix']}.*.${K}`;
};

export function topicBuilders<S extends ChannelSpec>(channel: Channel<S>): TopicBuilders<S> {
  const builders: Record<string, unknown> = {};
  for (const kind of channel.kinds) {
    if (channel.subIdField(kind) !== undefined) continue;
    builders[kind] = (id: string) => channel.topic(id, kind);
    builders[`all${kind[0]!.toUpperCase()}${kind.slice(1)}`] = channel.wildcard(kind);
  }
  return Object.freeze(builders) as TopicBuilders<S>;
}
