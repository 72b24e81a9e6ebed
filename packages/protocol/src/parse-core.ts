import { MAX_ID_LENGTH } from './constants.ts';
import { ErrorCode, SwitchboardError } from './errors.ts';
import type {
  ClientFrame as ClientFrameT,
  EventFrame as EventFrameT,
  PublishFrame as PublishFrameT,
  ServerFrame as ServerFrameT,
} from './frames.ts';
import { checkTopic, TOPIC_LIMITS } from './topic.ts';

/**
 * Everything of frame parsing but the schema check, without zod: parse.ts runs it with the
 * zod schemas, wire/index.ts with the validators generated from them.
 */

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

// Strips one leading byte order mark (ignoreBOM is false).
const decoder = new TextDecoder('utf-8', { fatal: true });
const BOM = 0xfeff;

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
    // A leading byte order mark is ignored (RFC 8259 8.1 allows it), in text messages as the
    // decoder below does in binary ones.
    text = input.charCodeAt(0) === BOM ? input.slice(1) : input;
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

/** True when `root`, taken to sit at level `level`, holds arrays or objects deeper than `max`. */
function nestedDeeper(root: object, level: number, max: number): boolean {
  // Iterative, so the check itself cannot overflow the stack. JSON.parse output is a tree, so
  // this visits each array and object once.
  const nodes: object[] = [root];
  const levels: number[] = [level];
  while (nodes.length > 0) {
    const node = nodes.pop() as Record<string, unknown>;
    const at = levels.pop() as number;
    if (at > max) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child === 'object' && child !== null) {
          nodes.push(child);
          levels.push(at + 1);
        }
      }
    } else {
      for (const key in node) {
        const child = node[key];
        if (typeof child === 'object' && child !== null) {
          nodes.push(child);
          levels.push(at + 1);
        }
      }
    }
  }
  return false;
}

/** The top-level field under which a frame nests deeper than MAX_FRAME_DEPTH, if any. */
function tooDeep(record: Record<string, unknown>, text: string): string | undefined {
  // Each level takes an opening and a closing bracket: short frames cannot be too deep.
  if (text.length < 2 * (MAX_FRAME_DEPTH + 1)) return undefined;
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'object' && value !== null && nestedDeeper(value, 2, MAX_FRAME_DEPTH)) {
      return key;
    }
  }
  return undefined;
}

function usableId(value: Record<string, unknown>): string | undefined {
  const id = Object.hasOwn(value, 'id') ? value.id : undefined;
  return typeof id === 'string' && id.length > 0 && withinIdLength(id) ? id : undefined;
}

/**
 * Whether `id` has at most MAX_ID_LENGTH code points, which is how the schema counts it (zod's
 * `max` on strings, and `maxLength` in JSON Schema): an emoji is one, though two UTF-16 units.
 */
export function withinIdLength(id: string): boolean {
  if (id.length <= MAX_ID_LENGTH) return true;
  if (id.length > 2 * MAX_ID_LENGTH) return false;
  let codePoints = 0;
  for (const _ of id) codePoints += 1;
  return codePoints <= MAX_ID_LENGTH;
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

/** One problem a schema found: where, what, and (for topics and patterns) its code. */
export interface FrameIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly params?: { code?: unknown } | undefined;
}

/** A schema's verdict on a frame: the parsed frame, or its first issue and how many more. */
export type SchemaResult =
  | { ok: true; value: unknown }
  | { ok: false; issue: FrameIssue; more: number };

/**
 * Decodes and validates a frame with `validate`, the schema check of the frame's `type`
 * (one of `types`). `server`: frames a hub sends, whose events take a fast path.
 */
export function parseFrameWith<T extends { type: string }>(
  validate: (record: Record<string, unknown>, type: string) => SchemaResult,
  types: ReadonlySet<string>,
  server: boolean,
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
    // Only for frames decoded here from JSON, which are trees; a caller's object may be cyclic.
    const deepField = decoded.text === undefined ? undefined : tooDeep(record, decoded.text);
    if (deepField !== undefined) {
      const field = deepField.slice(0, 64);
      return fail(
        ErrorCode.INVALID_MESSAGE,
        `Frame is nested deeper than ${MAX_FRAME_DEPTH} levels (in field "${field}")`,
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
    // Events are most of what a client receives: a hand check equal to EventFrame's schema
    // skips zod on that path; anything it does not accept still goes through the schema.
    if (type === 'event' && server) {
      const event = wellFormedEvent(record);
      if (event !== undefined) return { ok: true, frame: event as unknown as T };
    }
    // Likewise publishes, most of what a hub receives from many publishers.
    if (type === 'publish' && !server) {
      const publish = wellFormedPublish(record);
      if (publish !== undefined) return { ok: true, frame: publish as unknown as T };
    }
    const result = validate(record, type);
    if (result.ok) return { ok: true, frame: result.value as T };
    const { issue } = result;
    const field = describeField(issue.path);
    const more = result.more > 0 ? ` (and ${result.more} more)` : '';
    return fail(
      issueCode(type, issue.path, issue),
      `Invalid field "${field}" in ${type} frame: ${issue.message}${more}`,
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

/** The event frame if `record` satisfies EventFrame exactly as its schema does, else undefined. */
function wellFormedEvent(record: Record<string, unknown>): EventFrameT | undefined {
  const { id, topic, sequenceNumber, offset, epoch, timestamp, replay } = record;
  if (
    typeof id !== 'string' ||
    typeof topic !== 'string' ||
    !Object.hasOwn(record, 'data') ||
    !Number.isSafeInteger(sequenceNumber) ||
    (sequenceNumber as number) < 1 ||
    !Number.isSafeInteger(offset) ||
    (offset as number) < 0 ||
    typeof epoch !== 'string' ||
    epoch.length < 1 ||
    epoch.length > 64 ||
    typeof timestamp !== 'number' ||
    !Number.isFinite(timestamp) ||
    (replay !== undefined && typeof replay !== 'boolean')
  ) {
    return undefined;
  }
  const event: EventFrameT = {
    type: 'event',
    id,
    topic,
    data: record.data,
    sequenceNumber: sequenceNumber as number,
    offset: offset as number,
    epoch,
    timestamp,
  };
  if (replay !== undefined) event.replay = replay;
  return event;
}

function optionalBoolean(record: Record<string, unknown>, key: string): boolean {
  return !Object.hasOwn(record, key) || typeof record[key] === 'boolean';
}

/**
 * The publish frame if `record` satisfies PublishFrame exactly as its schema does (unknown
 * keys stripped, fields in the schema's order), else undefined and the schema decides.
 */
function wellFormedPublish(record: Record<string, unknown>): PublishFrameT | undefined {
  const { id, topic } = record;
  if (
    typeof id !== 'string' ||
    id.length < 1 ||
    id.length > MAX_ID_LENGTH ||
    typeof topic !== 'string' ||
    topic.length > TOPIC_LIMITS.maxBytes ||
    !Object.hasOwn(record, 'data') ||
    !optionalBoolean(record, 'ack') ||
    !optionalBoolean(record, 'echo') ||
    !checkTopic(topic).ok
  ) {
    return undefined;
  }
  const publish: PublishFrameT = { type: 'publish', id, topic, data: record.data };
  if (Object.hasOwn(record, 'ack')) publish.ack = record.ack as boolean;
  if (Object.hasOwn(record, 'echo')) publish.echo = record.echo as boolean;
  return publish;
}

const TYPES_WITH_DATA: ReadonlySet<string> = new Set([
  'publish',
  'request',
  'event',
  'response',
  'message',
  'reply',
  'chunk',
  'invoke',
]);

/** Serializes a frame. One place, so every sender produces the same bytes. */
export function encodeFrame(frame: ClientFrameT | ServerFrameT): string {
  // `data` is required on the wire but JSON.stringify drops an undefined value, which would make
  // e.g. `publish(topic, undefined)` produce a frame every peer rejects. Send null instead.
  if (TYPES_WITH_DATA.has(frame.type) && (frame as { data?: unknown }).data === undefined) {
    return JSON.stringify({ ...frame, data: null });
  }
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
