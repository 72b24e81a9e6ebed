import {
  CLIENT_FRAME_TYPES,
  ClientFrame,
  type ClientFrame as ClientFrameT,
  SERVER_FRAME_TYPES,
  ServerFrame,
  type ServerFrame as ServerFrameT,
} from './frames.ts';
import { type ParseResult, parseFrameWith, type SchemaResult } from './parse-core.ts';

export {
  encodeFrame,
  errorFrame,
  errorFromFrame,
  MAX_FRAME_DEPTH,
  type ParseResult,
  withinIdLength,
} from './parse-core.ts';

/** The zod schemas' verdict: the first issue and how many more. */
function check(schema: typeof ClientFrame | typeof ServerFrame, record: unknown): SchemaResult {
  const result = schema.safeParse(record);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues;
  return {
    ok: false,
    issue: issues[0] ?? { path: [], message: 'invalid' },
    more: issues.length - 1,
  };
}

const CLIENT_TYPES: ReadonlySet<string> = new Set(CLIENT_FRAME_TYPES);
const SERVER_TYPES: ReadonlySet<string> = new Set(SERVER_FRAME_TYPES);

/** Validates a frame sent by a client. Never throws. */
export function parseClientFrame(input: unknown): ParseResult<ClientFrameT> {
  return parseFrameWith<ClientFrameT>(
    (record) => check(ClientFrame, record),
    CLIENT_TYPES,
    false,
    input,
  );
}

/** Validates a frame sent by a server. Never throws. */
export function parseServerFrame(input: unknown): ParseResult<ServerFrameT> {
  return parseFrameWith<ServerFrameT>(
    (record) => check(ServerFrame, record),
    SERVER_TYPES,
    true,
    input,
  );
}
