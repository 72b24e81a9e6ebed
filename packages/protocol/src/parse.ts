import type { z } from 'zod';
import { ErrorCode, SwitchboardError } from './errors.ts';
import {
  ClientFrame,
  type ClientFrame as ClientFrameT,
  MAX_ID_LENGTH,
  ServerFrame,
  type ServerFrame as ServerFrameT,
} from './frames.ts';

export type ParseResult<T> =
  | { ok: true; frame: T }
  | {
      ok: false;
      error: SwitchboardError;
      /** The frame's `id` when it had a usable one, so the error can answer that request. */
      id?: string;
    };

/**
 * Deepest nesting of arrays and objects a frame may have, the frame object itself being level 1.
 * JSON.parse copes with any depth, but JSON.stringify and structuredClone overflow the stack a
 * few thousand levels down, so a frame the parser accepted could crash whoever re-encodes it
 * (the hub, on fan-out).
 */
export const MAX_FRAME_DEPTH = 64;

const decoder = new TextDecoder('utf-8', { fatal: true });

function fail(code: ErrorCode, message: string, id?: string, field?: string): ParseResult<never> {
  const error = new SwitchboardError(code, message, field ? { details: { field } } : {});
  return id === undefined ? { ok: false, error } : { ok: false, error, id };
}

// `instanceof` fails for an ArrayBuffer from another realm (iframe, worker, vm context).
function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return (
    value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]'
  );
}

type Decoded = { ok: true; value: unknown; text?: string } | { ok: false; message: string };

function decode(input: unknown): Decoded {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else if (isArrayBuffer(input) || ArrayBuffer.isView(input)) {
    const bytes = ArrayBuffer.isView(input)
      ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
      : new Uint8Array(input);
    try {
      text = decoder.decode(bytes);
    } catch {
      return { ok: false, message: 'Frame is not valid UTF-8' };
    }
  } else if (Array.isArray(input) && input.every((part) => ArrayBuffer.isView(part))) {
    // ws hands over fragmented messages as Buffer[].
    const total = input.reduce((sum, part: ArrayBufferView) => sum + part.byteLength, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const part of input as ArrayBufferView[]) {
      bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
      at += part.byteLength;
    }
    return decode(bytes);
  } else {
    // Already-decoded values (e.g. from a test or another codec) are validated as they are.
    return { ok: true, value: input };
  }
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'parse error';
    return { ok: false, message: `Frame is not valid JSON: ${reason}` };
  }
}

/**
 * Scans valid JSON text for nesting deeper than `max`. Returns undefined when within the limit,
 * otherwise the top-level key under which the limit was crossed ('' when there is none).
 * A scan of the text, not a walk of the parsed value: no recursion and no allocation.
 */
function tooDeep(text: string, max: number): string | undefined {
  // Each level needs an opening and a closing bracket.
  if (text.length < 2 * (max + 1)) return undefined;
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  let stringEnd = 0;
  let keyStart = -1;
  let keyEnd = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* backslash */) i++;
      else if (c === 0x22 /* " */) {
        inString = false;
        stringEnd = i;
      }
    } else if (c === 0x22) {
      inString = true;
      stringStart = i;
    } else if (c === 0x3a /* : */ && depth === 1) {
      keyStart = stringStart;
      keyEnd = stringEnd;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) {
        return keyStart < 0 ? '' : (JSON.parse(text.slice(keyStart, keyEnd + 1)) as string);
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return undefined;
}

function usableId(value: Record<string, unknown>): string | undefined {
  const id = Object.hasOwn(value, 'id') ? value.id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH ? id : undefined;
}

function describeField(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(frame)' : path.map(String).join('.');
}

/**
 * The wire code for a schema issue. Any problem with a publish `topic` is INVALID_TOPIC and any
 * problem with one entry of a subscribe/unsubscribe `topics` list is INVALID_PATTERN, whichever
 * check caught it (type, `max`, or the refinement); the refinements' own `params.code` covers
 * the Topic and Pattern schemas when other packages embed them in their own frames.
 */
function issueCode(type: string, path: readonly PropertyKey[], issue: unknown): ErrorCode {
  if (type === 'publish' && path.length === 1 && path[0] === 'topic')
    return ErrorCode.INVALID_TOPIC;
  if (
    (type === 'subscribe' || type === 'unsubscribe') &&
    path.length === 2 &&
    path[0] === 'topics' &&
    typeof path[1] === 'number'
  ) {
    return ErrorCode.INVALID_PATTERN;
  }
  const params = (issue as { params?: { code?: unknown } } | undefined)?.params;
  return params?.code === ErrorCode.INVALID_TOPIC || params?.code === ErrorCode.INVALID_PATTERN
    ? params.code
    : ErrorCode.INVALID_MESSAGE;
}

function parseWith<T extends { type: string }>(
  schema: z.ZodDiscriminatedUnion,
  types: ReadonlySet<string>,
  input: unknown,
): ParseResult<T> {
  try {
    const decoded = decode(input);
    if (!decoded.ok) return fail(ErrorCode.INVALID_MESSAGE, decoded.message);
    const value = decoded.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail(ErrorCode.INVALID_MESSAGE, 'Frame must be a JSON object with a "type" field');
    }
    const record = value as Record<string, unknown>;
    const id = usableId(record);
    const deepField = decoded.text === undefined ? undefined : tooDeep(decoded.text, MAX_FRAME_DEPTH);
    if (deepField !== undefined) {
      const field = deepField.slice(0, 64) || undefined;
      return fail(
        ErrorCode.INVALID_MESSAGE,
        `Frame is nested deeper than ${MAX_FRAME_DEPTH} levels` +
          (field ? ` (in field "${field}")` : ''),
        id,
        field,
      );
    }
    const type = Object.hasOwn(record, 'type') ? record.type : undefined;
    if (typeof type !== 'string') {
      return fail(
        ErrorCode.INVALID_MESSAGE,
        'Field "type" is required and must be a string',
        id,
        'type',
      );
    }
    if (!types.has(type)) {
      const shown = type.length > 40 ? `${type.slice(0, 40)}...` : type;
      return fail(
        ErrorCode.INVALID_MESSAGE,
        `Unknown frame type "${shown}"; expected one of: ${[...types].join(', ')}`,
        id,
        'type',
      );
    }
    const result = schema.safeParse(record);
    if (result.success) return { ok: true, frame: result.data as T };
    const issue = result.error.issues[0];
    const path = issue?.path ?? [];
    const field = describeField(path);
    const code = issueCode(type, path, issue);
    const more =
      result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
    return fail(
      code,
      `Invalid field "${field}" in ${type} frame: ${issue?.message ?? 'invalid'}${more}`,
      id,
      field,
    );
  } catch (error) {
    // Defensive: nothing a peer sends may throw out of the parser.
    return {
      ok: false,
      error: new SwitchboardError(ErrorCode.INVALID_MESSAGE, 'Frame could not be parsed', {
        cause: error,
      }),
    };
  }
}

const CLIENT_TYPES: ReadonlySet<string> = new Set(
  ClientFrame.options.map((o) => o.shape.type.value),
);
const SERVER_TYPES: ReadonlySet<string> = new Set(
  ServerFrame.options.map((o) => o.shape.type.value),
);

/** Validates a frame sent by a client. Never throws. */
export function parseClientFrame(input: unknown): ParseResult<ClientFrameT> {
  return parseWith<ClientFrameT>(ClientFrame, CLIENT_TYPES, input);
}

/** Validates a frame sent by a server. Never throws. */
export function parseServerFrame(input: unknown): ParseResult<ServerFrameT> {
  return parseWith<ServerFrameT>(ServerFrame, SERVER_TYPES, input);
}

/** Serializes a frame. One place, so every sender produces the same bytes. */
export function encodeFrame(frame: ClientFrameT | ServerFrameT): string {
  return JSON.stringify(frame);
}

/** Builds the `error` frame for a SwitchboardError, answering `id` when given. */
export function errorFrame(error: SwitchboardError, id?: string): ServerFrameT {
  return {
    type: 'error',
    ...(id === undefined ? {} : { id }),
    code: error.code,
    message: error.message,
    ...(error.details === undefined ? {} : { details: error.details }),
  };
}

/** Turns a received `error` frame back into a SwitchboardError. */
export function errorFromFrame(frame: {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown> | undefined;
}): SwitchboardError {
  return new SwitchboardError(
    frame.code,
    frame.message,
    frame.details ? { details: frame.details } : {},
  );
}
