/** One event of an event stream. */
export interface SseEvent {
  /** The `event` field; empty for an unnamed (message) event. */
  event: string;
  /** The `data` fields, joined with `\n`. */
  data: string;
  /** The `id` field, when the event had one. */
  id: string | undefined;
}

/**
 * An incremental parser of `text/event-stream` (WHATWG HTML, "Parsing an event stream"):
 * lines end in CRLF, LF or CR, `:` starts a comment, a blank line dispatches the event, and
 * `event`, `data` and `id` are the fields read (`retry` and unknown ones are ignored: the
 * client schedules its own reconnects). Written here rather than taken from a library
 * because the browser bundle has a 20 KB budget and this is all the hub's streams use.
 */
export function sseParser(onEvent: (event: SseEvent) => void): (chunk: string) => void {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  return (chunk) => {
    buffer += chunk;
    let start = 0;
    for (;;) {
      const end = lineEnd(buffer, start);
      if (end === -1) break;
      const line = buffer.slice(start, end);
      // CRLF: skip the LF too (a CR at the end of a chunk may still be followed by one).
      start = end + (buffer[end] === '\r' && buffer[end + 1] === '\n' ? 2 : 1);
      if (line === '') {
        if (data.length > 0) onEvent({ event, data: data.join('\n'), id });
        event = '';
        data = [];
        id = undefined;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon === 0) continue;
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value[0] === ' ') value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
    buffer = buffer.slice(start);
  };
}

/** Where the line starting at `from` ends; -1 when it is not complete yet. */
function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return i;
    // A CR ends a line, but at the end of the buffer it may be the first half of a CRLF.
    if (c === 13) return i + 1 < text.length ? i : -1;
  }
  return -1;
}
