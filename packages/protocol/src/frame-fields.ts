import * as z from 'zod/mini';
import { MAX_CREDIT, MAX_ID_LENGTH } from './constants.ts';
import { MAX_TIMER_MS } from './options.ts';
import { checkTopic, TOPIC_LIMITS } from './topic.ts';
import { described } from './zod.ts';

/**
 * Fields several frame files share. They live apart from `frames.ts` so that `call-frames.ts`
 * can use them while `frames.ts` puts its frames into the two unions (no import cycle).
 */

export { MAX_CREDIT, MAX_ID_LENGTH };

export const RequestId = described(
  z.string().check(z.minLength(1), z.maxLength(MAX_ID_LENGTH)),
  'Caller-chosen id, echoed in the ack, response or error for this frame.',
);
export type RequestId = z.infer<typeof RequestId>;

/**
 * A method a client serves: an exact name with the topic rules (so `serve` and `request`
 * patterns match it as they match topics), not starting with `$` (reserved for the hub).
 * Problems are INVALID_MESSAGE, naming `method`: a method is not a topic.
 */
export const ServedMethod = described(
  z.string().check(
    z.minLength(1),
    z.maxLength(TOPIC_LIMITS.maxBytes),
    z.superRefine((value, ctx) => {
      if (value.startsWith('$')) {
        ctx.addIssue({ code: 'custom', message: 'method names starting with "$" are reserved' });
        return;
      }
      const check = checkTopic(value);
      if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
    }),
  ),
  'Exact method name, dot-separated like a topic ("agent.7.exec"): no wildcards, not starting with "$".',
);

/** The hub's id of one call, on the frames between the hub and the handler serving it. */
export const CallId = described(
  z.string().check(z.minLength(1), z.maxLength(MAX_ID_LENGTH)),
  "The hub's id of the call, from the invoke frame.",
);

export const Credit = described(
  z.int().check(z.minimum(1), z.maximum(MAX_CREDIT)),
  'How many more chunks the receiver may send.',
);

export const TimeoutMs = described(
  z.int().check(z.minimum(1), z.maximum(MAX_TIMER_MS)),
  'Milliseconds the call may take, from when the hub received it.',
);
