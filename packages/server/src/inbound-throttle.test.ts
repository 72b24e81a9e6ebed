import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { type Flushable, FlushScheduler } from './flush-scheduler.ts';
import { InboundThrottle } from './inbound-throttle.ts';

/** Stands in for a ws socket: only what the throttle uses. */
function fakeSocket() {
  const socket = {
    isPaused: false,
    pauses: 0,
    resumes: 0,
    pause() {
      socket.isPaused = true;
      socket.pauses += 1;
    },
    resume() {
      socket.isPaused = false;
      socket.resumes += 1;
    },
  };
  return socket;
}

const asWebSocket = (socket: ReturnType<typeof fakeSocket>) => socket as unknown as WebSocket;

function targets(count: number): Flushable[] {
  return Array.from({ length: count }, () => ({ flushQueued: false, flush() {} }));
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('InboundThrottle', () => {
  it('leaves senders alone while the writes keep up', async () => {
    const scheduler = new FlushScheduler();
    const throttle = new InboundThrottle(scheduler);
    const socket = fakeSocket();
    for (const target of targets(10)) scheduler.schedule(target);
    throttle.afterFrame(asWebSocket(socket));
    await nextTurn();
    throttle.afterFrame(asWebSocket(socket));
    expect(scheduler.behind).toBe(false);
    expect(socket.pauses).toBe(0);
    expect(throttle.pauses).toBe(0);
  });

  it('pauses a sender while a flush is split over several turns and resumes it once written', async () => {
    // A slice of 0 ms: every 32 flushes the scheduler yields, as a huge fan-out would.
    const scheduler = new FlushScheduler(0);
    const throttle = new InboundThrottle(scheduler);
    const publisher = fakeSocket();
    const other = fakeSocket();
    for (const target of targets(100)) scheduler.schedule(target);
    await nextTurn();
    expect(scheduler.behind).toBe(true);
    throttle.afterFrame(asWebSocket(publisher));
    throttle.afterFrame(asWebSocket(publisher));
    throttle.afterFrame(asWebSocket(other));
    expect([publisher.pauses, other.pauses, throttle.paused, throttle.pauses]).toEqual([
      1, 1, 2, 2,
    ]);
    while (scheduler.pending > 0) await nextTurn();
    expect(scheduler.behind).toBe(false);
    expect([publisher.resumes, other.resumes, throttle.paused]).toEqual([1, 1, 0]);
    expect(publisher.isPaused).toBe(false);
  });

  it('reads a paused connection again after maxPauseMs even if the writes never catch up', async () => {
    const scheduler = new FlushScheduler(0);
    const throttle = new InboundThrottle(scheduler, 20);
    // A target that always has more to write: the scheduler never catches up on its own.
    let stop = false;
    const endless: Flushable = {
      flushQueued: false,
      flush() {
        if (!stop) scheduler.schedule(endless);
      },
    };
    for (const target of targets(64)) scheduler.schedule(target);
    scheduler.schedule(endless);
    await nextTurn();
    expect(scheduler.behind).toBe(true);
    const publisher = fakeSocket();
    throttle.afterFrame(asWebSocket(publisher));
    expect(publisher.isPaused).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(scheduler.behind).toBe(true);
    expect(publisher.resumes).toBe(1);
    expect(publisher.isPaused).toBe(false);
    stop = true;
    while (scheduler.pending > 0) await nextTurn();
  });
});
