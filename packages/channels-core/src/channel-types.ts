import type { SwitchboardError } from '@switchboard/protocol';
import type { z } from 'zod';
import type { EventMeta, Since } from './hub.ts';

/**
 * What a channel is made of, as `defineChannel` takes it. Topics are
 * `<prefix>.<id>.<kind>`, or `<prefix>.<id>.<kind>.<subId>` for the kinds in `subIds`.
 */
export interface ChannelSpec {
  /** The first topic segment, also the channel's name in messages: `agent`. */
  readonly prefix: string;
  /** The payload field that holds the entity id, the second topic segment: `agentId`. */
  readonly id: string;
  /** The event kinds (third segment), in the order `subscribeAll` asks for them. */
  readonly kinds: readonly [string, ...string[]];
  /** The payload schema of every kind: the one place a payload's shape is defined. */
  readonly schemas: { readonly [kind: string]: z.ZodType };
  /** The event a kind is emitted as, where it is not the kind itself: `{ status: 'status-change' }`. */
  readonly events?: { readonly [kind: string]: string };
  /**
   * Kinds whose topics have a fourth segment, and the payload field that holds it:
   * `{ proposal: 'proposalId' }` for `swarm.<swarmId>.proposal.<proposalId>`.
   */
  readonly subIds?: { readonly [kind: string]: string };
  /**
   * Kinds also emitted under a name picked by one payload field (the older API's names):
   * `{ presence: { field: 'event', names: { joined: 'agent-joined', left: 'agent-left' } } }`.
   */
  readonly alsoEmits?: {
    readonly [kind: string]: {
      readonly field: string;
      readonly names: { readonly [value: string]: string };
    };
  };
}

/** The event kinds of a channel. */
export type KindOf<S extends ChannelSpec> = S['kinds'][number];

/** The payload of one kind, as its schema outputs it. */
export type PayloadOf<S extends ChannelSpec, K extends KindOf<S>> = z.output<S['schemas'][K]>;

/** The event name a kind is emitted as. */
export type EventNameOf<S extends ChannelSpec, K extends KindOf<S>> = S extends {
  readonly events: { readonly [P in K]: infer E extends string };
}
  ? E
  : K;

/** The payload fields that hold a fourth topic segment. */
type SubIdField<S extends ChannelSpec> = S extends { readonly subIds: infer M }
  ? M[keyof M] & string
  : never;

/** A channel listener: the validated payload, then where the event came from. */
export type Listener<T> = (event: T, meta: EventMeta) => void;

/**
 * `T` without the fields `K`: `Omit` for payloads with an index signature (passthrough),
 * whose named fields `Omit` would lose.
 */
export type Without<T, K extends PropertyKey> = { [F in keyof T as F extends K ? never : F]: T[F] };

/** What the publish methods take: the payload, with `at` filled in when left out. */
export type Input<T> = Without<T, 'at'> & { at?: number };

/** What publishing a kind takes: its schema's input (defaults optional), `at` optional. */
export type InputOf<S extends ChannelSpec, K extends KindOf<S>> = Input<z.input<S['schemas'][K]>>;

/** The extra event names of a kind (`alsoEmits`), or never. */
type AlsoEmittedOf<S extends ChannelSpec, K extends KindOf<S>> = S extends {
  readonly alsoEmits: { readonly [P in K]: { readonly names: infer N } };
}
  ? N[keyof N] & string
  : never;

/**
 * The events a channel client emits: each kind under its event name and, for one entity,
 * under `<name>:<id>` (and likewise under its `alsoEmits` name); `error` for an event that
 * failed validation (dropped).
 */
export type ChannelEvents<S extends ChannelSpec> = {
  [K in KindOf<S> as EventNameOf<S, K>]: Listener<PayloadOf<S, K>>;
} & {
  [K in KindOf<S> as `${EventNameOf<S, K>}:${string}`]: Listener<PayloadOf<S, K>>;
} & {
  [K in KindOf<S> as AlsoEmittedOf<S, K>]: Listener<PayloadOf<S, K>>;
} & {
  [K in KindOf<S> as `${AlsoEmittedOf<S, K>}:${string}`]: Listener<PayloadOf<S, K>>;
} & {
  /** An event on a subscribed topic failed validation and was dropped. */
  error: (error: SwitchboardError) => void;
};

/** The parts of one of the channel's topics: `{ agentId, kind }`, `{ swarmId, kind, proposalId? }`. */
export type ParsedTopic<S extends ChannelSpec> = { [F in S['id']]: string } & {
  kind: KindOf<S>;
} & { [F in SubIdField<S>]?: string };

/** A validated event: its kind, the entity it is about, and its payload (typed per kind). */
export type ChannelEvent<S extends ChannelSpec, Ks extends KindOf<S> = KindOf<S>> = {
  [K in Ks]: { kind: K; id: string; payload: PayloadOf<S, K> };
}[Ks];

/** Options of a channel client's subscribe methods. */
export interface SubscribeOptions<K extends string> {
  /** Which event kinds. @default every kind of the channel */
  kinds?: readonly K[];
  /** Start from history: `'last'` replays each topic's retained last value. */
  since?: Since;
}
