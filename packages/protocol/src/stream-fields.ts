import * as z from 'zod/mini';
import { MAX_TOKEN_LENGTH, MAX_TOPICS_PER_FRAME } from './constants.ts';
import { RequestId } from './frame-fields.ts';
import { checkPattern, checkTopic, TOPIC_LIMITS } from './topic.ts';
import { described } from './zod.ts';

// What frames of both directions share: topics, patterns, positions in the log, and the two
// frames either side may send (ping and pong).

/** Issue params that carry a Switchboard error code through zod (see parse.ts). */
export interface SwitchboardIssueParams {
  code: 'INVALID_TOPIC' | 'INVALID_PATTERN';
}

export { MAX_TOKEN_LENGTH, MAX_TOPICS_PER_FRAME };

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

export const Offset = described(
  z.int().check(z.minimum(0)),
  'Hub-wide position in the log of an epoch. Events start at 1; 0 means "nothing yet".',
);
export const Epoch = described(
  z.string().check(z.minLength(1), z.maxLength(64)),
  'Id of the hub log; changes when the log is reset.',
);

export const StreamPosition = described(
  z.object({ epoch: Epoch, offset: Offset }),
  'The last event the client processed; the hub replays what came after it.',
);

export const ExpiresAt = described(
  z.int().check(z.minimum(0)),
  "When the connection's credential expires, in ms since 1970-01-01 UTC; absent when it does not.",
);

export type StreamPosition = z.infer<typeof StreamPosition>;

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

export type PingFrame = z.infer<typeof PingFrame>;
export type PongFrame = z.infer<typeof PongFrame>;
