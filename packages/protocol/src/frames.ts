import * as z from 'zod/mini';
import {
  CancelFrame,
  CreditFrame,
  HandleFrame,
  HandlerChunkFrame,
  HandlerEndFrame,
  HandlerFailFrame,
  HandlerReplyFrame,
  UnhandleFrame,
} from './call-frames.ts';
import { Credit, MAX_ID_LENGTH, RequestId, TimeoutMs } from './frame-fields.ts';
import { ServerFrame } from './server-frames.ts';
import {
  MAX_TOKEN_LENGTH,
  MAX_TOPICS_PER_FRAME,
  Offset,
  Pattern,
  PingFrame,
  PongFrame,
  StreamPosition,
  Topic,
} from './stream-fields.ts';
import { TOPIC_LIMITS } from './topic.ts';
import { described } from './zod.ts';

export * from './server-frames.ts';
export {
  MAX_TOKEN_LENGTH,
  MAX_TOPICS_PER_FRAME,
  Pattern,
  PingFrame,
  PongFrame,
  StreamPosition,
  type SwitchboardIssueParams,
  Topic,
} from './stream-fields.ts';
export { MAX_ID_LENGTH, RequestId };

/**
 * Every frame on the wire, both directions, as zod schemas. Types are inferred from these
 * schemas and nothing is declared twice. `docs/protocol.md` shows an example of each.
 */

const Versions = z
  .array(z.int().check(z.minimum(1), z.maximum(65535)))
  .check(z.minLength(1), z.maxLength(16));

// ---- client to server -------------------------------------------------------------------

export const HelloFrame = described(
  z.object({
    type: z.literal('hello'),
    versions: described(Versions, 'Protocol versions the client speaks.'),
    token: described(
      z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_TOKEN_LENGTH))),
      'Credential for authenticate(); an alternative to a separate auth frame.',
    ),
    client: described(
      z.optional(
        z.object({
          name: z.optional(z.string().check(z.maxLength(128))),
          version: z.optional(z.string().check(z.maxLength(64))),
        }),
      ),
      'Client library name and version, for logs and stats.',
    ),
  }),
  'First frame of a connection: versions spoken and, optionally, a token. Answered by welcome.',
);

export const AuthFrame = described(
  z.object({
    type: z.literal('auth'),
    id: z.optional(RequestId),
    token: z.string().check(z.minLength(1), z.maxLength(MAX_TOKEN_LENGTH)),
  }),
  'Authenticates, or re-authenticates, the connection. Answered by ack or error.',
);

export const SubscribeFrame = described(
  z.object({
    type: z.literal('subscribe'),
    id: z.optional(RequestId),
    topics: z.array(Pattern).check(z.minLength(1), z.maxLength(MAX_TOPICS_PER_FRAME)),
    position: z.optional(StreamPosition),
    since: described(
      z.optional(
        z.union([Offset, z.literal('last')], {
          error: 'Expected a non-negative integer offset or "last"',
        }),
      ),
      'Start from history: every retained event after this offset, or "last" for the retained last value of each matching topic.',
    ),
  }),
  'Adds subscriptions. Answered by an ack whose `subscriptions` says, per pattern, whether history was recovered.',
);

export const UnsubscribeFrame = described(
  z.object({
    type: z.literal('unsubscribe'),
    id: z.optional(RequestId),
    topics: z.array(Pattern).check(z.minLength(1), z.maxLength(MAX_TOPICS_PER_FRAME)),
  }),
  'Removes subscriptions, given exactly as they were subscribed.',
);

export const PublishFrame = described(
  z.object({
    type: z.literal('publish'),
    id: described(RequestId, 'Message id; the hub drops a repeated id (idempotent publish).'),
    topic: Topic,
    data: described(z.unknown(), 'Any JSON value.'),
    ack: described(z.optional(z.boolean()), 'Send an ack once stored. Default true.'),
    echo: described(
      z.optional(z.boolean()),
      'Deliver to the publisher too when it is subscribed. Default true.',
    ),
  }),
  'Publishes one message to one topic. Answered by ack (unless ack is false) or error.',
);

export const RequestFrame = described(
  z.object({
    type: z.literal('request'),
    id: RequestId,
    method: described(
      z.string().check(z.minLength(1), z.maxLength(TOPIC_LIMITS.maxBytes)),
      'Name of a route handler on the hub, or of a method a client serves.',
    ),
    data: described(z.unknown(), 'Any JSON value, passed to the handler.'),
    timeoutMs: described(
      z.optional(TimeoutMs),
      "How long the caller waits; the hub cancels a client-hosted handler's call then (capped by the hub).",
    ),
    credit: described(
      z.optional(Credit),
      'Takes a streamed answer: chunks the handler may send before the next credit frame (capped by the hub).',
    ),
  }),
  'Calls a route handler on the hub or a client-hosted handler (RPC). Answered by response or error with the same id; a streamed answer comes as chunk frames and end.',
);

export const ClientFrame = z.discriminatedUnion('type', [
  HelloFrame,
  AuthFrame,
  SubscribeFrame,
  UnsubscribeFrame,
  PublishFrame,
  RequestFrame,
  PingFrame,
  PongFrame,
  HandleFrame,
  UnhandleFrame,
  HandlerReplyFrame,
  HandlerChunkFrame,
  HandlerEndFrame,
  HandlerFailFrame,
  CancelFrame,
  CreditFrame,
]);

/** The `type` of each frame of a union, in its order. */
function typesOf(union: typeof ClientFrame | typeof ServerFrame): readonly string[] {
  return union._zod.def.options.map((frame) => frame._zod.def.shape.type._zod.def.values[0]!);
}

/** Frame types a client may send. */
export const CLIENT_FRAME_TYPES: readonly string[] = typesOf(ClientFrame);
/** Frame types a server may send. */
export const SERVER_FRAME_TYPES: readonly string[] = typesOf(ServerFrame);

export type HelloFrame = z.infer<typeof HelloFrame>;
export type AuthFrame = z.infer<typeof AuthFrame>;
export type SubscribeFrame = z.infer<typeof SubscribeFrame>;
export type UnsubscribeFrame = z.infer<typeof UnsubscribeFrame>;
export type PublishFrame = z.infer<typeof PublishFrame>;
export type RequestFrame = z.infer<typeof RequestFrame>;
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameType = ClientFrame['type'];
