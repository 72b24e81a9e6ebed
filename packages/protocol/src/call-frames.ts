import { z } from 'zod';
import { ERROR_CODES } from './errors.ts';
import { CallId, Credit, RequestId, ServedMethod, TimeoutMs } from './frame-fields.ts';

/**
 * The frames of client-hosted handlers (docs/protocol.md, "Client-hosted handlers"). A client
 * registers a method with `handle`; the hub hands it each call as `invoke`, with a call id of
 * its own, and the handler answers that id with `reply`, or `chunk`s and `end`, or `fail`.
 * Frames between the hub and a caller carry the caller's request `id`; frames between the hub
 * and a handler carry the hub's `call` id, so neither side sees the other's ids.
 */

const Group = z.string().min(1).max(128).meta({
  description: 'Handlers of one method and group share its calls; absent: the default group.',
});

const FailCode = z.enum(ERROR_CODES).meta({ description: 'Why, as an error code.' });

// ---- client to server: registering -------------------------------------------------------

export const HandleFrame = z
  .object({
    type: z.literal('handle'),
    id: RequestId,
    method: ServedMethod,
    group: Group.optional(),
  })
  .meta({
    description:
      "Serves a method: the hub routes calls of it to this connection (one handler of the method's group per call). Answered by ack or error.",
  });

export const UnhandleFrame = z
  .object({
    type: z.literal('unhandle'),
    id: RequestId,
    method: ServedMethod,
  })
  .meta({
    description: 'Stops serving a method; calls already invoked run to their end. Answered by ack.',
  });

// ---- client to server: a handler answering a call ----------------------------------------

export const HandlerReplyFrame = z
  .object({
    type: z.literal('reply'),
    call: CallId,
    data: z.unknown().meta({ description: 'The result, any JSON value.' }),
  })
  .meta({ description: "A handler's one answer to a call; the call is over." });

export const HandlerChunkFrame = z
  .object({
    type: z.literal('chunk'),
    call: CallId,
    data: z.unknown().meta({ description: 'One item of the streamed answer, any JSON value.' }),
  })
  .meta({
    description:
      'One item of a streamed answer. Each uses one credit; a handler without credit waits for a credit frame.',
  });

export const HandlerEndFrame = z
  .object({ type: z.literal('end'), call: CallId })
  .meta({ description: 'The streamed answer is complete; the call is over.' });

export const HandlerFailFrame = z
  .object({
    type: z.literal('fail'),
    call: CallId,
    code: FailCode,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ description: 'The handler failed the call; the caller gets this error.' });

// ---- client to server: a caller steering its call ----------------------------------------

export const CancelFrame = z.object({ type: z.literal('cancel'), id: RequestId }).meta({
  description:
    'The caller gives up its request with this id; the hub cancels the call at its handler. Not answered.',
});

export const CreditFrame = z
  .object({ type: z.literal('credit'), id: RequestId, credit: Credit })
  .meta({
    description:
      'The caller of a streamed request takes this many more chunks (usually as many as it consumed). Not answered.',
  });

// ---- server to client ---------------------------------------------------------------------

export const InvokeFrame = z
  .object({
    type: z.literal('invoke'),
    call: CallId,
    method: z
      .string()
      .meta({ description: 'The method called, as this connection registered it.' }),
    data: z.unknown().meta({ description: "The caller's request data." }),
    timeoutMs: TimeoutMs.meta({
      description: 'How long the call may still take; the hub cancels it then.',
    }),
    credit: Credit.optional().meta({
      description:
        'Present when the caller takes a streamed answer: chunks the handler may send before the next credit frame.',
    }),
    caller: z
      .string()
      .optional()
      .meta({ description: "The caller's principal id; absent for anonymous callers." }),
  })
  .meta({
    description:
      'A call for a method this connection serves. Answer it with reply, chunks and end, or fail.',
  });

export const ChunkFrame = z
  .object({
    type: z.literal('chunk'),
    id: RequestId,
    data: z.unknown().meta({ description: 'One item of the streamed answer.' }),
  })
  .meta({ description: 'One item of the streamed answer to the request with this id, in order.' });

export const EndFrame = z
  .object({ type: z.literal('end'), id: RequestId })
  .meta({ description: 'The streamed answer to the request with this id is complete.' });

export const HandlerCancelFrame = z
  .object({
    type: z.literal('cancel'),
    call: CallId,
    code: FailCode.meta({
      description:
        'CANCELLED (the caller gave up or left), TIMEOUT, or INVALID_MESSAGE (a broken answer).',
    }),
    message: z.string(),
  })
  .meta({ description: 'Stop working on this call: nobody takes its answer any more.' });

export const HandlerCreditFrame = z
  .object({ type: z.literal('credit'), call: CallId, credit: Credit })
  .meta({ description: 'The caller took more chunks: the handler may send this many more.' });

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
