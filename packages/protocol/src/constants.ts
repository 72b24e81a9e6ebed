/**
 * Limits and names of the wire protocol that need no schema. They live apart from the zod
 * frame modules (which re-export them) so that `@switchboard/protocol/wire` has them
 * without zod.
 */

export const MAX_ID_LENGTH = 128;
/** The most chunks a caller may grant in one `request` or `credit` frame. */
export const MAX_CREDIT = 65_536;
export const MAX_TOPICS_PER_FRAME = 100;
export const MAX_TOKEN_LENGTH = 8192;

/**
 * The hub's built-in request method for reading history: a client that was told it missed
 * events (`dropped`) fetches them with it. `$` names are reserved for the hub.
 */
export const HISTORY_METHOD = '$history';

/**
 * The frames of a call under way, in either direction: nothing answers them, and a hub does
 * not hold them to its frame stages (rate limits, ACLs), whose refusal would lose part of an
 * answer.
 */
export const CALL_TRAFFIC_TYPES: ReadonlySet<string> = new Set([
  'reply',
  'chunk',
  'end',
  'fail',
  'cancel',
  'credit',
]);
