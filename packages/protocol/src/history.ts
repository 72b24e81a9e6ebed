import { z } from 'zod';
import { EventFrame } from './frames.ts';

/**
 * The hub's built-in request method for reading history: a client that was told it missed
 * events (`dropped`) fetches them with it. `$` names are reserved for the hub.
 */
export const HISTORY_METHOD = '$history';

export const HistoryRequest = z
  .object({
    epoch: z.string().min(1).max(64),
    after: z.int().min(0).meta({ description: 'Read events with an offset greater than this.' }),
    until: z.int().min(0).meta({ description: 'Up to and including this offset.' }),
  })
  .meta({
    description:
      "Data of a `$history` request. The hub filters by the connection's own subscriptions.",
  });

export const HistoryResponse = z
  .object({
    epoch: z.string(),
    complete: z
      .boolean()
      .meta({ description: 'False when history no longer holds the whole range: resync.' }),
    events: z.array(EventFrame),
    truncated: z
      .boolean()
      .optional()
      .meta({ description: 'More events remain in the range: ask again after the last one.' }),
  })
  .meta({ description: 'Data of the response to a `$history` request.' });

export type HistoryRequest = z.infer<typeof HistoryRequest>;
export type HistoryResponse = z.infer<typeof HistoryResponse>;
