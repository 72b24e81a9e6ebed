import type { AppendInput, LogEntry } from '@switchboard/router';
import type { RawValue } from './scripts.ts';

/** What the node serializes; Redis assigns offset, sequence number and epoch around it. */
interface Payload {
  i: string;
  d: unknown;
  ts: number;
  p?: string;
}

/** The entry's payload as stored in the stream's `e` field. */
export function encodePayload(input: AppendInput, timestamp: number): string {
  const payload: Payload = { i: input.id, d: input.data, ts: timestamp };
  if (input.publisherId !== undefined) payload.p = input.publisherId;
  return JSON.stringify(payload);
}

/** The `LogEntry` of a stored value, in `epoch` (the log a script read it from). */
export function decodeEntry(value: RawValue, epoch: string): LogEntry {
  const payload = JSON.parse(value.payload) as Payload;
  return entryOf(payload.i, value.topic, payload.d, payload.ts, payload.p, value, epoch);
}

/** The entry an append just stored, built from its input without a round trip. */
export function appendedEntry(
  input: AppendInput,
  timestamp: number,
  position: { offset: number; sequenceNumber: number },
  epoch: string,
): LogEntry {
  const { id, topic, data, publisherId } = input;
  return entryOf(id, topic, data, timestamp, publisherId, position, epoch);
}

function entryOf(
  id: string,
  topic: string,
  data: unknown,
  timestamp: number,
  publisherId: string | undefined,
  position: { offset: number; sequenceNumber: number },
  epoch: string,
): LogEntry {
  const entry: LogEntry = {
    id,
    topic,
    data,
    sequenceNumber: position.sequenceNumber,
    offset: position.offset,
    epoch,
    timestamp,
  };
  return publisherId === undefined ? entry : { ...entry, publisherId };
}
