import * as z from 'zod/mini';
import { ERROR_CODES } from './errors.ts';
import { CallId, Credit, RequestId, ServedMethod, TimeoutMs } from './frame-fields.ts';
import { described } from './zod.ts';

/**
 * The frames of client-hosted handlers (docs/protocol.md, "Client-hosted handlers"). A client
 * registers a method with `handle`; the hub hands it each call as `invoke`, with a call id of
 * its own, and the handler answers that id with `reply`, or `chunk`s and `end`, or `fail`.
 * Frames between the hub and a caller carry the caller's request `id`; frames between the hub
 * and a handler carry the hub's `call` id, so neither side sees the other's ids.
 */

const Group = described(
  z.string().check(z.minLength(1), z.maxLength(128)),
  'Handlers of one method and group share its calls; absent: the default group.',
);

const FailCode = described(z.enum(ERROR_CODES), 'Why, as an error code.');

// ---- client to server: registering -------------------------------------------------------

export const HandleFrame = described(
  z.object({
    type: z.literal('handle'),
    id: RequestId,
    method: ServedMethod,
    group: z.optional(Group),
  }),
  "Serves a method: the hub routes calls of it to this connection (one handler of the method's group per call). Answered by ack or error.",
);

export const UnhandleFrame = described(
  z.object({
    type: z.literal('unhandle'),
    id: RequestId,
    method: ServedMethod,
  }),
  'Stops serving a method; calls already invoked run to their end. Answered by ack.',
);

// ---- client to server: a handler answering a call ----------------------------------------

export const HandlerReplyFrame = described(
  z.object({
    type: z.literal('reply'),
    call: CallId,
    data: described(z.unknown(), 'The result, any JSON value.'),
  }),
  "A handler's one answer to a call; the call is over.",
);

export const HandlerChunkFrame = described(
  z.object({
    type: z.literal('chunk'),
    call: CallId,
    data: described(z.unknown(), 'One item of the streamed answer, any JSON value.'),
  }),
  'One item of a streamed answer. Each uses one credit; a handler without credit waits for a credit frame.',
);

export const HandlerEndFrame = described(
  z.object({ type: z.literal('end'), call: CallId }),
  'The streamed answer is complete; the call is over.',
);

export const HandlerFailFrame = described(
  z.object({
    type: z.literal('fail'),
    call: CallId,
    code: FailCode,
    message: z.string(),
    details: z.optional(z.record(z.string(), z.unknown())),
  }),
  'The handler failed the call; the caller gets this error.',
);

// ---- client to server: a caller steering its call ----------------------------------------

export const CancelFrame = described(
  z.object({ type: z.literal('cancel'), id: RequestId }),
  'The caller gives up its request with this id; the hub cancels the call at its handler. Not answered.',
);

export const CreditFrame = described(
  z.object({ type: z.literal('credit'), id: RequestId, credit: Credit }),
  'The caller of a streamed request takes this many more chunks (usually as many as it consumed). Not answered.',
);

// ---- server to client ---------------------------------------------------------------------

export const InvokeFrame = described(
  z.object({
    type: z.literal('invoke'),
    call: CallId,
    method: described(z.string(), 'The method called, as this connection registered it.'),
    data: described(z.unknown(), "The caller's request data."),
    timeoutMs: described(TimeoutMs, 'How long the call may still take; the hub cancels it then.'),
    credit: described(
      z.optional(Credit),
      'Present when the caller takes a streamed answer: chunks the handler may send before the next credit frame.',
    ),
    caller: described(
      z.optional(z.string()),
      "The caller's principal id; absent for anonymous callers.",
    ),
  }),
  'A call for a method this connection serves. Answer it with reply, chunks and end, or fail.',
);

export const ChunkFrame = described(
  z.object({
    type: z.literal('chunk'),
    id: RequestId,
    data: described(z.unknown(), 'One item of the streamed answer.'),
  }),
  'One item of the streamed answer to the request with this id, in order.',
);

export const EndFrame = described(
  z.object({ type: z.literal('end'), id: RequestId }),
  'The streamed answer to the request with this id is complete.',
);

export const HandlerCancelFrame = described(
  z.object({
    type: z.literal('cancel'),
    call: CallId,
    code: described(
      FailCode,
      'CANCELLED (the caller gave up or left), TIMEOUT, or INVALID_MESSAGE (a broken answer).',
    ),
    message: z.string(),
  }),
  'Stop working on this call: nobody takes its answer any more.',
);

export const HandlerCreditFrame = described(
  z.object({ type: z.literal('credit'), call: CallId, credit: Credit }),
  'The caller took more chunks: the handler may send this many more.',
);

export { CALL_TRAFFIC_TYPES } from './constants.ts';

export type HandleFrame = z.infer<typeof HandleFrame>;
export type UnhandleFrame = z.infer<typeof UnhandleFrame>;
export type HandlerReplyFrame = z.infer<typeof HandlerReplyFrame>;
export type HandlerChunkFrame = z.infer<typeof HandlerChunkFrame>;
export type HandlerEndFrame = z.infer<typeof HandlerEndFrame>;
export type HandlerFailFrame = z.infer<typeof HandlerFailFrame>;
export type CancelFrame = z.infer<typeof CancelFrame>;
export type CreditFrame = z.infer<typeof CreditFrame>;
export type InvokeFrame = z.infer<typeof InvokeFrame>;
export type ChunkFrame = z.infer<typeof ChunkFrame>;
export type EndFrame = z.infer<typeof EndFrame>;
export type HandlerCancelFrame = z.infer<typeof HandlerCancelFrame>;
export type HandlerCreditFrame = z.infer<typeof HandlerCreditFrame>;
