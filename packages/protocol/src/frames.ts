import * as z from 'zod/mini';
import {
  CancelFrame,
  ChunkFrame,
  CreditFrame,
  EndFrame,
  HandleFrame,
  HandlerCancelFrame,
  HandlerChunkFrame,
  HandlerCreditFrame,
  HandlerEndFrame,
  HandlerFailFrame,
  HandlerReplyFrame,
  InvokeFrame,
  UnhandleFrame,
} from './call-frames.ts';
import { ERROR_CODES } from './errors.ts';
import { Credit, MAX_ID_LENGTH, RequestId, TimeoutMs } from './frame-fields.ts';
import { checkPattern, checkTopic, TOPIC_LIMITS } from './topic.ts';
import { described } from './zod.ts';

export { MAX_ID_LENGTH, RequestId };

/**
 * Every frame on the wire, both directions, as zod schemas. Types are inferred from these
 * schemas and nothing is declared twice. `docs/protocol.md` shows an example of each.
 */

/** Issue params that carry a Switchboard error code through zod (see parse.ts). */
export interface SwitchboardIssueParams {
  code: 'INVALID_TOPIC' | 'INVALID_PATTERN';
}

export const MAX_TOPICS_PER_FRAME = 100;
export const MAX_TOKEN_LENGTH = 8192;

export const Topic = described(
  z.string().check(
    z.maxLength(TOPIC_LIMITS.maxBytes),
    z.superRefine((value, ctx) => {
      const check = checkTopic(value);
      if (!check.ok) {
        ctx.addIssue({ code: 'custom', message: check.reason, params: { code: 'INVALID_TOPIC' } });
      }
    }),
  ),
  `Dot-separated segments, e.g. "agent.42.status"; at most ${TOPIC_LIMITS.maxBytes} bytes and ${TOPIC_LIMITS.maxSegments} segments; segments are non-empty without ".", "*", "#", whitespace, control characters or unpaired surrogates.`,
);

export const Pattern = described(
  z.string().check(
    z.maxLength(TOPIC_LIMITS.maxBytes),
    z.superRefine((value, ctx) => {
      const check = checkPattern(value);
      if (!check.ok) {
        ctx.addIssue({
          code: 'custom',
          message: check.reason,
          params: { code: 'INVALID_PATTERN' },
        });
      }
    }),
  ),
  'A topic whose segments may also be "*" (exactly one segment) or "#" (zero or more segments), RabbitMQ topic-exchange semantics.',
);

const Offset = described(
  z.int().check(z.minimum(0)),
  'Hub-wide position in the log of an epoch. Events start at 1; 0 means "nothing yet".',
);
const Epoch = described(
  z.string().check(z.minLength(1), z.maxLength(64)),
  'Id of the hub log; changes when the log is reset.',
);

export const StreamPosition = described(
  z.object({ epoch: Epoch, offset: Offset }),
  'The last event the client processed; the hub replays what came after it.',
);

const ExpiresAt = described(
  z.int().check(z.minimum(0)),
  "When the connection's credential expires, in ms since 1970-01-01 UTC; absent when it does not.",
);

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

export const PingFrame = described(
  z.object({
    type: z.literal('ping'),
    id: z.optional(RequestId),
    ts: described(z.optional(z.number()), "Sender's clock in milliseconds; echoed in the pong."),
  }),
  'Application-level heartbeat, either direction. The peer answers with pong.',
);

export const PongFrame = described(
  z.object({
    type: z.literal('pong'),
    id: z.optional(RequestId),
    ts: described(z.optional(z.number()), 'The ts of the ping this answers.'),
  }),
  'Answer to a ping, echoing its id and ts.',
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

// ---- server to client -------------------------------------------------------------------

export const WelcomeFrame = described(
  z.object({
    type: z.literal('welcome'),
    version: described(z.int().check(z.minimum(1)), 'The negotiated protocol version.'),
    connectionId: z.string(),
    principal: described(
      z.nullable(z.object({ id: z.string() })),
      'Who the connection is authenticated as; null until it is.',
    ),
    epoch: Epoch,
    heartbeatIntervalMs: described(
      z.int().check(z.minimum(0)),
      'How often the server pings; 0 means no heartbeat.',
    ),
    maxPayload: described(
      z.int().check(z.minimum(0)),
      'Largest inbound frame the server accepts, in bytes.',
    ),
    server: z.object({ name: z.string(), version: z.string() }),
    expiresAt: z.optional(ExpiresAt),
  }),
  'Answer to hello: the negotiated version, the log epoch and the server limits.',
);

export const SubscriptionOutcome = z.object({
  pattern: z.string(),
  wasRecovering: described(
    z.boolean(),
    'The subscribe frame asked for history (position or since).',
  ),
  recovered: described(
    z.boolean(),
    'Every missed event was replayed; false means the application must resync.',
  ),
  replayed: described(z.int().check(z.minimum(0)), 'How many events were replayed from history.'),
});

export const AckFrame = described(
  z.object({
    type: z.literal('ack'),
    id: RequestId,
    ok: z.literal(true),
    offset: z.optional(Offset),
    sequenceNumber: z.optional(z.int().check(z.minimum(1))),
    epoch: z.optional(Epoch),
    duplicate: described(z.optional(z.boolean()), 'The message id was already in the log.'),
    subscriptions: described(
      z.optional(z.array(SubscriptionOutcome)),
      'For a subscribe: one outcome per pattern.',
    ),
    expiresAt: described(
      z.optional(ExpiresAt),
      'For an auth refresh: when the new credential expires (absent: never).',
    ),
  }),
  'Success answer to the frame with the same id. For a publish it carries offset, sequenceNumber and epoch.',
);

export const EventFrame = described(
  z.object({
    type: z.literal('event'),
    id: described(z.string(), 'The message id given by the publisher.'),
    topic: z.string(),
    data: z.unknown(),
    sequenceNumber: described(
      z.int().check(z.minimum(1)),
      'Per-topic position: 1, 2, 3 ... without gaps within an epoch.',
    ),
    offset: Offset,
    epoch: Epoch,
    timestamp: described(z.number(), 'When the hub stored the message, in ms since 1970.'),
    replay: described(z.optional(z.boolean()), 'Delivered from history, not live.'),
  }),
  'A published message delivered to a matching subscription.',
);

export const ResponseFrame = described(
  z.object({
    type: z.literal('response'),
    id: RequestId,
    data: described(z.unknown(), "The route handler's result."),
  }),
  'Success answer to a request with the same id.',
);

export const ErrorFrame = described(
  z.object({
    type: z.literal('error'),
    id: described(
      z.optional(RequestId),
      'The id of the frame this answers; absent when there was no usable id.',
    ),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: described(
      z.optional(z.record(z.string(), z.unknown())),
      'Machine-readable context, e.g. {"field": "topics.0"}.',
    ),
  }),
  'Failure answer to the frame with the same id, or a connection-level error.',
);

export const DroppedFrame = described(
  z.object({
    type: z.literal('dropped'),
    epoch: Epoch,
    fromOffset: described(Offset, 'Offset of the first event dropped.'),
    toOffset: described(Offset, 'Offset of the last event dropped (inclusive).'),
    count: described(
      z.int().check(z.minimum(1)),
      'How many events for this connection were dropped.',
    ),
  }),
  'The outbound queue overflowed (drop-oldest policy): these events were not delivered; recover them from history.',
);

export const DisconnectFrame = described(
  z.object({
    type: z.literal('disconnect'),
    code: described(z.int(), 'The WebSocket close code that follows (see CloseCode).'),
    reason: z.string(),
    reconnect: described(z.boolean(), 'The client should reconnect (possibly elsewhere).'),
  }),
  'Sent just before the server closes the connection, saying why.',
);

export const RefreshRequiredFrame = described(
  z.object({
    type: z.literal('refresh-required'),
    expiresAt: ExpiresAt,
  }),
  "The connection's credential expires at expiresAt: send an auth frame with a fresh token before then, or the hub closes the connection (4008).",
);

export const UnsubscribedFrame = described(
  z.object({
    type: z.literal('unsubscribed'),
    topics: described(
      z.array(z.string()).check(z.minLength(1), z.maxLength(MAX_TOPICS_PER_FRAME)),
      'Patterns the hub removed, exactly as they were subscribed.',
    ),
    code: described(z.enum(ERROR_CODES), 'Why, as an error code (e.g. FORBIDDEN).'),
    reason: z.string(),
  }),
  'The hub ended these subscriptions on its own, e.g. because a refreshed principal may no longer subscribe to them. Do not subscribe to them again.',
);

export const MessageFrame = described(
  z.object({
    type: z.literal('message'),
    data: described(
      z.unknown(),
      'What the server application sent, as it sent it (for example {"type": "notification", "data": {...}}).',
    ),
  }),
  'An application message the server sent to this connection (server.sendMessage or server.broadcast), outside any topic: not in the hub log, no offset, not replayed.',
);

export const ServerFrame = z.discriminatedUnion('type', [
  WelcomeFrame,
  AckFrame,
  EventFrame,
  ResponseFrame,
  ErrorFrame,
  PingFrame,
  PongFrame,
  DroppedFrame,
  DisconnectFrame,
  RefreshRequiredFrame,
  UnsubscribedFrame,
  MessageFrame,
  InvokeFrame,
  ChunkFrame,
  EndFrame,
  HandlerCancelFrame,
  HandlerCreditFrame,
]);

/** The `type` of each frame of a union, in its order. */
function typesOf(union: typeof ClientFrame | typeof ServerFrame): readonly string[] {
  return union._zod.def.options.map((frame) => frame._zod.def.shape.type._zod.def.values[0]!);
}

/** Frame types a client may send. */
export const CLIENT_FRAME_TYPES: readonly string[] = typesOf(ClientFrame);
/** Frame types a server may send. */
export const SERVER_FRAME_TYPES: readonly string[] = typesOf(ServerFrame);

export type StreamPosition = z.infer<typeof StreamPosition>;
export type HelloFrame = z.infer<typeof HelloFrame>;
export type AuthFrame = z.infer<typeof AuthFrame>;
export type SubscribeFrame = z.infer<typeof SubscribeFrame>;
export type UnsubscribeFrame = z.infer<typeof UnsubscribeFrame>;
export type PublishFrame = z.infer<typeof PublishFrame>;
export type RequestFrame = z.infer<typeof RequestFrame>;
export type PingFrame = z.infer<typeof PingFrame>;
export type PongFrame = z.infer<typeof PongFrame>;
export type ClientFrame = z.infer<typeof ClientFrame>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;
export type SubscriptionOutcome = z.infer<typeof SubscriptionOutcome>;
export type AckFrame = z.infer<typeof AckFrame>;
export type EventFrame = z.infer<typeof EventFrame>;
export type ResponseFrame = z.infer<typeof ResponseFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export type DroppedFrame = z.infer<typeof DroppedFrame>;
export type DisconnectFrame = z.infer<typeof DisconnectFrame>;
export type RefreshRequiredFrame = z.infer<typeof RefreshRequiredFrame>;
export type UnsubscribedFrame = z.infer<typeof UnsubscribedFrame>;
export type MessageFrame = z.infer<typeof MessageFrame>;
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ClientFrameType = ClientFrame['type'];
export type ServerFrameType = ServerFrame['type'];
