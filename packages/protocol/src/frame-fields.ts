import { z } from 'zod';
import { MAX_TIMER_MS } from './options.ts';
import { checkTopic, TOPIC_LIMITS } from './topic.ts';

/**
 * Fields several frame files share. They live apart from `frames.ts` so that `call-frames.ts`
 * can use them while `frames.ts` puts its frames into the two unions (no import cycle).
 */

export const MAX_ID_LENGTH = 128;

export const RequestId = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .meta({ description: 'Caller-chosen id, echoed in the ack, response or error for this frame.' });
export type RequestId = z.infer<typeof RequestId>;

/** The most chunks a caller may grant in one `request` or `credit` frame. */
export const MAX_CREDIT = 65_536;

/**
 * A method a client serves: an exact name with the topic rules (so `serve` and `request`
 * patterns match it as they match topics), not starting with `$` (reserved for the hub).
 * Problems are INVALID_MESSAGE, naming `method`: a method is not a topic.
 */
export const ServedMethod = z
  .string()
  .min(1)
  .max(TOPIC_LIMITS.maxBytes)
  .superRefine((value, ctx) => {
    if (value.startsWith('$')) {
      ctx.addIssue({ code: 'custom', message: 'method names starting with "$" are reserved' });
      return;
    }
    const check = checkTopic(value);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
  })
  .meta({
    description:
      'Exact method name, dot-separated like a topic ("agent.7.exec"): no wildcards, not starting with "$".',
  });

/** The hub's id of one call, on the frames between the hub and the handler serving it. */
export const CallId = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .meta({ description: "The hub's id of the call, from the invoke frame." });

export const Credit = z
  .int()
  .min(1)
  .max(MAX_CREDIT)
  .meta({ description: 'How many more chunks the receiver may send.' });

export const TimeoutMs = z
  .int()
  .min(1)
  .max(MAX_TIMER_MS)
  .meta({ description: 'Milliseconds the call may take, from when the hub received it.' });
