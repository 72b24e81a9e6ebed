import * as z from 'zod/mini';
import {
  ChunkFrame,
  EndFrame,
  HandlerCancelFrame,
  HandlerCreditFrame,
  InvokeFrame,
} from './call-frames.ts';
import { ERROR_CODES } from './errors.ts';
import { RequestId } from './frame-fields.ts';
import {
  Epoch,
  ExpiresAt,
  MAX_TOPICS_PER_FRAME,
  Offset,
  PingFrame,
  PongFrame,
} from './stream-fields.ts';
import { described } from './zod.ts';

/** Every frame the hub sends (frames.ts has the client's and re-exports these). */

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
export type ServerFrameType = ServerFrame['type'];
