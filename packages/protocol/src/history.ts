import * as z from 'zod/mini';
import { EventFrame } from './frames.ts';
import { described } from './zod.ts';

export { HISTORY_METHOD } from './constants.ts';

export const HistoryRequest = described(
  z.object({
    epoch: z.string().check(z.minLength(1), z.maxLength(64)),
    after: described(z.int().check(z.minimum(0)), 'Read events with an offset greater than this.'),
    until: described(z.int().check(z.minimum(0)), 'Up to and including this offset.'),
  }),
  "Data of a `$history` request. The hub filters by the connection's own subscriptions.",
);

export const HistoryResponse = described(
  z.object({
    epoch: z.string(),
    complete: described(z.boolean(), 'False when history no longer holds the whole range: resync.'),
    events: z.array(EventFrame),
    truncated: described(
      z.optional(z.boolean()),
      'More events remain in the range: ask again after the last one.',
    ),
  }),
  'Data of the response to a `$history` request.',
);

export type HistoryRequest = z.infer<typeof HistoryRequest>;
export type HistoryResponse = z.infer<typeof HistoryResponse>;
