import { MEMORY_ENGINE_DEFAULTS } from '@switchboard/router';
import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.ts';
import { useHubFixture } from './test-support/fixture.ts';

const { hub, welcomed } = useHubFixture();

const principals: Record<string, Principal> = {
  flooder: { id: 'flooder', publish: ['agent.flooder.#'] },
  watcher: { id: 'watcher' },
};
const authenticate = (token: string) => principals[token] ?? false;

const PAYLOAD = 256 * 1024;
const MESSAGES = 2_000; // 500 MiB in all, well past the 64 MiB of history bytes
const WINDOW = 25;

describe('a client publishing large payloads to its own topic', () => {
  it('cannot grow the hub past historyBytes, and the hub keeps answering', async () => {
    const { url, router } = await hub({ authenticate });
    const flooder = await welcomed(url, 'flooder');
    const watcher = await welcomed(url, 'watcher');
    // The frame is built once; only the id changes (no 256 KiB stringify per publish).
    const [head, tail] = JSON.stringify({
      type: 'publish',
      id: '\u0000',
      topic: 'agent.flooder.out',
      data: 'x'.repeat(PAYLOAD),
    }).split('\\u0000') as [string, string];
    const limit = MEMORY_ENGINE_DEFAULTS.historyBytes;
    let maxHistoryBytes = 0;
    let acked = 0;
    let lastOffset = 0;
    for (let sent = 0; sent < MESSAGES; sent += WINDOW) {
      const ids = Array.from({ length: WINDOW }, (_, i) => `p${sent + i}`);
      for (const id of ids) flooder.send(`${head}${id}${tail}`);
      // Another client's ping is answered while the flood is on.
      watcher.send({ type: 'ping', id: `ping${sent}` });
      expect(await watcher.reply(`ping${sent}`)).toMatchObject({ type: 'pong' });
      for (const id of ids) {
        const reply = await flooder.reply(id, 10_000);
        expect(reply).toMatchObject({ type: 'ack', id, ok: true });
        const offset = (reply as { offset?: number }).offset ?? 0;
        expect(offset).toBe(lastOffset + 1);
        lastOffset = offset;
        acked++;
      }
      maxHistoryBytes = Math.max(maxHistoryBytes, router.engine.stats().historyBytes);
    }
    expect(acked).toBe(MESSAGES);
    expect(maxHistoryBytes).toBeGreaterThan(limit / 2);
    expect(maxHistoryBytes).toBeLessThanOrEqual(limit);
    // What history really holds, read back: at most the bound's worth of payload, not all
    // 500 MiB (before the byte bound, all 2,000 payloads stayed: 10,000 entries were allowed).
    const held = await router.engine.read({ after: 0, patterns: ['#'], limit: MESSAGES });
    const payloadBytes = held.entries.reduce((sum, e) => sum + (e.data as string).length, 0);
    expect(payloadBytes).toBeLessThanOrEqual(limit);
    expect(held.entries.at(-1)?.offset).toBe(MESSAGES);
    watcher.send({ type: 'ping', id: 'after' });
    expect(await watcher.reply('after')).toMatchObject({ type: 'pong' });
  }, 60_000);
});
