import type { LogEntry } from '@switchboard/router';

/** The `event` frame of a log entry as an object (for `$history` pages). */
export function eventOf(entry: LogEntry, replay: boolean) {
  return {
    type: 'event' as const,
    id: entry.id,
    topic: entry.topic,
    data: entry.data,
    sequenceNumber: entry.sequenceNumber,
    offset: entry.offset,
    epoch: entry.epoch,
    timestamp: entry.timestamp,
    ...(replay ? { replay: true } : {}),
  };
}

/**
 * The `event` frame of a log entry as JSON text, equal to `JSON.stringify(eventOf(...))`
 * but without building the object (and its spread) for every event of a replay.
 */
export function serializeEvent(entry: LogEntry, replay: boolean): string {
  const data = JSON.stringify(entry.data);
  return (
    `{"type":"event","id":${JSON.stringify(entry.id)},"topic":${JSON.stringify(entry.topic)}` +
    (data === undefined ? '' : `,"data":${data}`) +
    `,"sequenceNumber":${JSON.stringify(entry.sequenceNumber)},"offset":${JSON.stringify(entry.offset)}` +
    `,"epoch":${JSON.stringify(entry.epoch)},"timestamp":${JSON.stringify(entry.timestamp)}` +
    (replay ? ',"replay":true}' : '}')
  );
}

// A hub's acks carry one epoch: its field is serialized once, not per publish.
let lastEpoch: string | undefined;
let lastEpochField = '';

/**
 * The `ack` of an appended publish as JSON text, equal to `encodeFrame` of
 * `{ type: 'ack', id, ok: true, offset, sequenceNumber, epoch, duplicate }` without building
 * the frame object (and its spread) and walking it generically: one per acked publish.
 */
export function serializePublishAck(id: string, entry: LogEntry, duplicate: boolean): string {
  if (entry.epoch !== lastEpoch) {
    lastEpochField = `,"epoch":${JSON.stringify(entry.epoch)}`;
    lastEpoch = entry.epoch;
  }
  return (
    `{"type":"ack","id":${JSON.stringify(id)},"ok":true,"offset":${JSON.stringify(entry.offset)}` +
    `,"sequenceNumber":${JSON.stringify(entry.sequenceNumber)}${lastEpochField}` +
    (duplicate ? ',"duplicate":true}' : ',"duplicate":false}')
  );
}
