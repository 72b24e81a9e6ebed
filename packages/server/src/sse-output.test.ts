import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { encodeTextFrame } from './frame-encoder.ts';
import { SseOutput, toEvent } from './sse-output.ts';

/** A response that records what was written to it. */
function recorder(): ServerResponse & { text: string } {
  const response = new EventEmitter() as unknown as ServerResponse & { text: string };
  response.text = '';
  Object.assign(response, {
    writableEnded: false,
    write(chunk: Buffer | string) {
      response.text += chunk.toString();
      return true;
    },
    end(chunk?: string) {
      if (chunk !== undefined) response.text += chunk;
      (response as { writableEnded: boolean }).writableEnded = true;
    },
  });
  return response;
}

const write = (output: SseOutput, chunk: Buffer) =>
  new Promise<void>((resolve, reject) =>
    output.write(chunk, (error) => (error ? reject(error) : resolve())),
  );

describe('SseOutput', () => {
  it('turns each WebSocket frame into one event, however the frames are cut into writes', async () => {
    const frames = [
      '{"a":1}',
      `{"big":"${'x'.repeat(70_000)}"}`,
      '{"c":\n 3}',
      `{"d":"${'y'.repeat(300)}"}`,
    ];
    const bytes = Buffer.concat(frames.map((text) => encodeTextFrame(text)));
    for (const cut of [1, 2, 3, 5, 9, 130, 70_010, bytes.length - 1]) {
      const output = new SseOutput(1 << 20);
      const response = recorder();
      output.attach(response, 0);
      await write(output, bytes.subarray(0, cut));
      await write(output, bytes.subarray(cut));
      expect(response.text, `cut at ${cut}`).toBe(
        `id: 1\ndata: {"a":1}\n\nid: 2\ndata: ${frames[1]}\n\nid: 3\ndata: {"c":\ndata:  3}\n\nid: 4\ndata: ${frames[3]}\n\n`,
      );
    }
  });

  it('splits a frame at CR, LF and CRLF so the parser joins the lines back with LF', () => {
    expect(toEvent(7, Buffer.from('{"a":\r\n1,\r"b":\n2}')).toString()).toBe(
      'id: 7\ndata: {"a":\ndata: 1,\ndata: "b":\ndata: 2}\n\n',
    );
  });

  it('writes again, on a new response, the kept events after Last-Event-ID; refuses what it no longer keeps', async () => {
    const output = new SseOutput(45);
    const first = recorder();
    output.attach(first, 0);
    for (let i = 1; i <= 5; i++) await write(output, encodeTextFrame(`{"n":${i}}`));
    expect(output.lastEventId).toBe(5);
    // Each event is 21 bytes: 45 bytes keep the last two (never more than resumeBytes).
    expect(output.canResume(2)).toBe(false);
    expect(output.canResume(3)).toBe(true);
    expect(output.canResume(6)).toBe(false);
    const second = recorder();
    expect(output.attach(second, 3)).toBe(true);
    expect(second.text).toBe('id: 4\ndata: {"n":4}\n\nid: 5\ndata: {"n":5}\n\n');
    expect(first.writableEnded).toBe(true);
  });

  it('holds writes while no response is attached, and writes them on the next one', async () => {
    const output = new SseOutput(0);
    const written = write(output, encodeTextFrame('{"n":1}'));
    let done = false;
    void written.then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(output.writableLength).toBeGreaterThan(0);
    const response = recorder();
    expect(output.attach(response, 0)).toBe(true);
    await written;
    expect(response.text).toBe('id: 1\ndata: {"n":1}\n\n');
  });
});
