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
