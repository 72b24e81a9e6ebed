import { z } from 'zod';
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

export const Topic = z
  .string()
  .max(TOPIC_LIMITS.maxBytes)
  .superRefine((value, ctx) => {
    const check = checkTopic(value);
    if (!check.ok) {
      ctx.addIssue({ code: 'custom', message: check.reason, params: { code: 'INVALID_TOPIC' } });
    }
  })
  .meta({
    description: `Dot-separated segments, e.g. "agent.42.status"; at most ${TOPIC_LIMITS.maxBytes} bytes and ${TOPIC_LIMITS.maxSegments} segments; segments are non-empty without ".", "*", "#", whitespace, control characters or unpaired surrogates.`,
  });

export const Pattern = z
  .string()
  .max(TOPIC_LIMITS.maxBytes)
  .superRefine((value, ctx) => {
    const check = checkPattern(value);
    if (!check.ok) {
      ctx.addIssue({ code: 'custom', message: check.reason, params: { code: 'INVALID_PATTERN' } });
    }
  })
  .meta({
    description:
      'A topic whose segments may also be "*" (exactly one segment) or "#" (zero or more segments), RabbitMQ topic-exchange semantics.',
  });

const Offset = z.int().min(0).meta({
  description:
    'Hub-wide position in the log of an epoch. Events start at 1; 0 means "nothing yet".',
});
const Epoch = z
  .string()
  .min(1)
  .max(64)
  .meta({ description: 'Id of the hub log; changes when the log is reset.' });

export const StreamPosition = z.object({ epoch: Epoch, offset: Offset }).meta({
  description: 'The last event the client processed; the hub replays what came after it.',
});

const ExpiresAt = z.int().min(0).meta({
  description:
    "When the connection's credential expires, in ms since 1970-01-01 UTC; absent when it does not.",
});

const Versions = z.array(z.int().min(1).max(65535)).min(1).max(16);

// ---- client to server -------------------------------------------------------------------

export const HelloFrame = z
  .object({
    type: z.literal('hello'),
    versions: Versions.meta({ description: 'Protocol versions the client speaks.' }),
    token: z.string().min(1).max(MAX_TOKEN_LENGTH).optional().meta({
      description: 'Credential for authenticate(); an alternative to a separate auth frame.',
    }),
    client: z
      .object({ name: z.string().max(128).optional(), version: z.string().max(64).optional() })
      .optional()
      .meta({ description: 'Client library name and version, for logs and stats.' }),
  })
  .meta({
    description:
      'First frame of a connection: versions spoken and, optionally, a token. Answered by welcome.',
  });

export const AuthFrame = z
  .object({
    type: z.literal('auth'),
    id: RequestId.optional(),
    token: z.string().min(1).max(MAX_TOKEN_LENGTH),
  })
  .meta({
    description: 'Authenticates, or re-authenticates, the connection. Answered by ack or error.',
  });

export const SubscribeFrame = z
  .object({
    type: z.literal('subscribe'),
    id: RequestId.optional(),
    topics: z.array(Pattern).min(1).max(MAX_TOPICS_PER_FRAME),
    position: StreamPosition.optional(),
    since: z
      .union([Offset, z.literal('last')], {
        error: 'Expected a non-negative integer offset or "last"',
      })
      .optional()
      .meta({
        description:
          'Start from history: every retained event after this offset, or "last" for the retained last value of each matching topic.',
      }),
  })
  .meta({
    description:
      'Adds subscriptions. Answered by an ack whose `subscriptions` says, per pattern, whether history was recovered.',
  });

export const UnsubscribeFrame = z
  .object({
    type: z.literal('unsubscribe'),
    id: RequestId.optional(),
    topics: z.array(Pattern).min(1).max(MAX_TOPICS_PER_FRAME),
  })
  .meta({ description: 'Removes subscriptions, given exactly as they were subscribed.' });

export const PublishFrame = z
  .object({
    type: z.literal('publish'),
    id: RequestId.meta({
      description: 'Message id; the hub drops a repeated id (idempotent publish).',
    }),
    topic: Topic,
    data: z.unknown().meta({ description: 'Any JSON value.' }),
    ack: z.boolean().optional().meta({ description: 'Send an ack once stored. Default true.' }),
    echo: z
      .boolean()
      .optional()
      .meta({ description: 'Deliver to the publisher too when it is subscribed. Default true.' }),
  })
  .meta({
    description:
      'Publishes one message to one topic. Answered by ack (unless ack is false) or error.',
  });

export const RequestFrame = z
  .object({
    type: z.literal('request'),
    id: RequestId,
    method: z.string().min(1).max(TOPIC_LIMITS.maxBytes).meta({
      description: 'Name of a route handler on the hub, or of a method a client serves.',
    }),
    data: z.unknown().meta({ description: 'Any JSON value, passed to the handler.' }),
    timeoutMs: TimeoutMs.optional().meta({
      description:
        "How long the caller waits; the hub cancels a client-hosted handler's call then (capped by the hub).",
    }),
    credit: Credit.optional().meta({
      description:
        'Takes a streamed answer: chunks the handler may send before the next credit frame (capped by the hub).',
    }),
  })
  .meta({
    description:
      'Calls a route handler on the hub or a client-hosted handler (RPC). Answered by response or error with the same id; a streamed answer comes as chunk frames and end.',
  });

export const PingFrame = z
  .object({
    type: z.literal('ping'),
    id: RequestId.optional(),
    ts: z
      .number()
      .optional()
      .meta({ description: "Sender's clock in milliseconds; echoed in the pong." }),
  })
  .meta({
    description: 'Application-level heartbeat, either direction. The peer answers with pong.',
  });

export const PongFrame = z
  .object({
    type: z.literal('pong'),
    id: RequestId.optional(),
    ts: z.number().optional().meta({ description: 'The ts of the ping this answers.' }),
  })
  .meta({ description: 'Answer to a ping, echoing its id and ts.' });

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

export const WelcomeFrame = z
  .object({
    type: z.literal('welcome'),
    version: z.int().min(1).meta({ description: 'The negotiated protocol version.' }),
    connectionId: z.string(),
    principal: z
      .object({ id: z.string() })
      .nullable()
      .meta({ description: 'Who the connection is authenticated as; null until it is.' }),
    epoch: Epoch,
    heartbeatIntervalMs: z
      .int()
      .min(0)
      .meta({ description: 'How often the server pings; 0 means no heartbeat.' }),
    maxPayload: z
      .int()
      .min(0)
      .meta({ description: 'Largest inbound frame the server accepts, in bytes.' }),
    server: z.object({ name: z.string(), version: z.string() }),
    expiresAt: ExpiresAt.optional(),
  })
  .meta({
    description: 'Answer to hello: the negotiated version, the log epoch and the server limits.',
  });

export const SubscriptionOutcome = z.object({
  pattern: z.string(),
  wasRecovering: z
    .boolean()
    .meta({ description: 'The subscribe frame asked for history (position or since).' }),
  recovered: z.boolean().meta({
    description: 'Every missed event was replayed; false means the application must resync.',
  }),
  replayed: z.int().min(0).meta({ description: 'How many events were replayed from history.' }),
});

export const AckFrame = z
  .object({
    type: z.literal('ack'),
    id: RequestId,
    ok: z.literal(true),
    offset: Offset.optional(),
    sequenceNumber: z.int().min(1).optional(),
    epoch: Epoch.optional(),
    duplicate: z
      .boolean()
      .optional()
      .meta({ description: 'The message id was already in the log.' }),
    subscriptions: z
      .array(SubscriptionOutcome)
      .optional()
      .meta({ description: 'For a subscribe: one outcome per pattern.' }),
    expiresAt: ExpiresAt.optional().meta({
      description: 'For an auth refresh: when the new credential expires (absent: never).',
    }),
  })
  .meta({
    description:
      'Success answer to the frame with the same id. For a publish it carries offset, sequenceNumber and epoch.',
  });

export const EventFrame = z
  .object({
    type: z.literal('event'),
    id: z.string().meta({ description: 'The message id given by the publisher.' }),
    topic: z.string(),
    data: z.unknown(),
    sequenceNumber: z
      .int()
      .min(1)
      .meta({ description: 'Per-topic position: 1, 2, 3 ... without gaps within an epoch.' }),
    offset: Offset,
    epoch: Epoch,
    timestamp: z
      .number()
      .meta({ description: 'When the hub stored the message, in ms since 1970.' }),
    replay: z.boolean().optional().meta({ description: 'Delivered from history, not live.' }),
  })
  .meta({ description: 'A published message delivered to a matching subscription.' });

export const ResponseFrame = z
  .object({
    type: z.literal('response'),
    id: RequestId,
    data: z.unknown().meta({ description: "The route handler's result." }),
  })
  .meta({ description: 'Success answer to a request with the same id.' });

export const ErrorFrame = z
  .object({
    type: z.literal('error'),
    id: RequestId.optional().meta({
      description: 'The id of the frame this answers; absent when there was no usable id.',
    }),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'Machine-readable context, e.g. {"field": "topics.0"}.' }),
  })
  .meta({
    description: 'Failure answer to the frame with the same id, or a connection-level error.',
  });

export const DroppedFrame = z
  .object({
    type: z.literal('dropped'),
    epoch: Epoch,
    fromOffset: Offset.meta({ description: 'Offset of the first event dropped.' }),
    toOffset: Offset.meta({ description: 'Offset of the last event dropped (inclusive).' }),
    count: z
      .int()
      .min(1)
      .meta({ description: 'How many events for this connection were dropped.' }),
  })
  .meta({
    description:
      'The outbound queue overflowed (drop-oldest policy): these events were not delivered; recover them from history.',
  });

export const DisconnectFrame = z
  .object({
    type: z.literal('disconnect'),
    code: z.int().meta({ description: 'The WebSocket close code that follows (see CloseCode).' }),
    reason: z.string(),
    reconnect: z
      .boolean()
      .meta({ description: 'The client should reconnect (possibly elsewhere).' }),
  })
  .meta({ description: 'Sent just before the server closes the connection, saying why.' });

export const RefreshRequiredFrame = z
  .object({
    type: z.literal('refresh-required'),
    expiresAt: ExpiresAt,
  })
  .meta({
    description:
      "The connection's credential expires at expiresAt: send an auth frame with a fresh token before then, or the hub closes the connection (4008).",
  });

export const UnsubscribedFrame = z
  .object({
    type: z.literal('unsubscribed'),
    topics: z
      .array(z.string())
      .min(1)
      .max(MAX_TOPICS_PER_FRAME)
      .meta({ description: 'Patterns the hub removed, exactly as they were subscribed.' }),
    code: z.enum(ERROR_CODES).meta({ description: 'Why, as an error code (e.g. FORBIDDEN).' }),
    reason: z.string(),
  })
  .meta({
    description:
      'The hub ended these subscriptions on its own, e.g. because a refreshed principal may no longer subscribe to them. Do not subscribe to them again.',
  });

export const MessageFrame = z
  .object({
    type: z.literal('message'),
    data: z.unknown().meta({
      description:
        'What the server application sent, as it sent it (for example {"type": "notification", "data": {...}}).',
    }),
  })
  .meta({
    description:
      'An application message the server sent to this connection (server.sendMessage or server.broadcast), outside any topic: not in the hub log, no offset, not replayed.',
  });

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
