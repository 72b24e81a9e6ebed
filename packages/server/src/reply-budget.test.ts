import { CloseCode } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import { rawSocketOf } from './raw-socket.ts';
import { useHubFixture } from './test-support/fixture.ts';

const { hub, identified } = useHubFixture();

describe('replies to a client that does not read them', () => {
  it('count against replyQueueBytes; past it the connection is closed with 4004, not left to grow', async () => {
    const replyQueueBytes = 64 * 1024;
    const { url, server } = await hub({ replyQueueBytes });
    const { peer: pinger, id } = await identified(url);
    const connection = server.getConnection(id)!;
    const close = vi.spyOn(connection.socket, 'close');
    rawSocketOf(pinger.socket)!.pause();
    // Pongs echo id and ts: about 170 bytes each. The kernel's buffers take the first
    // megabytes; then the hub queues, up to its budget.
    const ping = { type: 'ping', id: 'p'.repeat(128), ts: 1 };
    const batch = Array.from({ length: 2_000 }, () => ping);
    let sent = 0;
    let maxQueued = 0;
    for (let round = 0; round < 200 && close.mock.calls.length === 0; round++) {
      pinger.sendInOneWrite(batch);
      sent += batch.length;
      await vi.waitFor(() => {
        if (close.mock.calls.length === 0) expect(connection.messagesIn).toBe(1 + sent);
      });
      maxQueued = Math.max(maxQueued, connection.output.queuedReplyBytes);
    }
    expect(close).toHaveBeenCalledWith(CloseCode.SLOW_CONSUMER, 'Slow consumer: replies not read');
    expect(maxQueued).toBeLessThanOrEqual(replyQueueBytes);
    await vi.waitFor(() => expect(server.getClient(id)).toBeUndefined(), { timeout: 5_000 });
    // Reading again, the client finds the pongs that made it, then the end of the stream.
    rawSocketOf(pinger.socket)!.resume();
    await pinger.closed;
  });

  it('lets a client that reads receive a large answer and its small replies alike', async () => {
    // One reply bigger than the whole budget counts as a quarter of it: it waits and is
    // delivered, with the pongs queued behind it.
    const { url, router } = await hub({ replyQueueBytes: 16 * 1024 });
    router.route({ method: 'big', handler: () => 'z'.repeat(100_000) });
    const { peer: reader } = await identified(url);
    reader.send({ type: 'request', id: 'r1', method: 'big', data: null });
    for (let i = 0; i < 20; i++) reader.send({ type: 'ping', id: `p${i}` });
    expect(await reader.reply('r1')).toMatchObject({ type: 'response', data: 'z'.repeat(100_000) });
    await reader.next('pong', 'p19');
  });
});
