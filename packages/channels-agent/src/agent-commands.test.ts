import { ErrorCode } from '@switchboard/protocol';
import { harness } from '@switchboard/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentChannelClient } from './agent-channel-client.ts';
import type { CommandExecutor } from './command-server.ts';
import type { TerminalEvent } from './terminal-schemas.ts';

const h = harness();
afterEach(() => h.closeAll());

/** Writes `args[0]` lines, one per turn of the event loop or `args[1]` ms apart. */
const countTo: CommandExecutor = async (request, io) => {
  const lines = Number(request.args?.[0] ?? 10);
  const delay = Number(request.args?.[1] ?? 0);
  for (let i = 1; i <= lines; i++) {
    io.stdout(`line ${i}\n`);
    if (i % 7 === 0) io.stderr(`warn ${i}\n`);
    await new Promise((resolve) =>
      delay > 0 ? setTimeout(resolve, delay) : setImmediate(resolve),
    );
  }
  return 0;
};

/** A command that writes until its signal fires; `stopped` resolves then. */
function endless() {
  let stopped!: (reason: unknown) => void;
  const stop = new Promise<unknown>((resolve) => {
    stopped = resolve;
  });
  const executor: CommandExecutor = async (_request, io) => {
    let n = 0;
    while (!io.signal.aborted) {
      io.stdout(`tick ${++n}\n`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    stopped(io.signal.reason);
    return 130;
  };
  return { executor, stop };
}

async function setup(executor: CommandExecutor, options = {}) {
  const hub = await h.start();
  const agentClient = await h.connect(hub, 'agent-1', { reconnect: false });
  const agent = new AgentChannelClient(agentClient);
  const service = agent.serveCommands('agent-1', executor, options);
  await service.ready;
  const dashboardClient = await h.connect(hub, 'coordinator', {
    reconnectIntervalMs: 20,
    maxReconnectIntervalMs: 50,
  });
  const dashboard = new AgentChannelClient(dashboardClient);
  return { hub, agent, agentClient, service, dashboard, dashboardClient };
}

const text = (events: TerminalEvent[], stream?: 'stdout' | 'stderr') =>
  events
    .flatMap((event) => (event.type === 'output' ? event.chunks : []))
    .filter((chunk) => stream === undefined || chunk.stream === stream)
    .map((chunk) => chunk.text)
    .join('');

const expectedOut = (lines: number) =>
  Array.from({ length: lines }, (_, i) => `line ${i + 1}\n`).join('');

async function all(run: AsyncIterable<TerminalEvent>): Promise<TerminalEvent[]> {
  const events: TerminalEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

describe('agent commands', () => {
  it('streams a command’s output in batches to its caller, start to exit', async () => {
    const { dashboard } = await setup(countTo);
    const run = dashboard.runCommand('agent-1', 'count', { args: ['50'] });
    const events = await all(run);
    expect(events[0]).toMatchObject({
      type: 'start',
      command: 'count',
      caller: 'coordinator',
      seq: 1,
    });
    expect(events.at(-1)).toMatchObject({
      type: 'exit',
      status: 'completed',
      exitCode: 0,
      dropped: 0,
    });
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
    expect(text(events, 'stdout')).toBe(expectedOut(50));
    expect(text(events, 'stderr')).toBe(
      'warn 7\nwarn 14\nwarn 21\nwarn 28\nwarn 35\nwarn 42\nwarn 49\n',
    );
    expect(await run.result).toBe(events.at(-1));
  });

  it('bounds every batch by maxBatchBytes and maxBatchChunks', async () => {
    const burst: CommandExecutor = (_request, io) => {
      for (let i = 0; i < 100; i++) io.stdout(`${String(i).padStart(3, '0')}${'x'.repeat(96)}\n`);
      io.stdout('y'.repeat(5_000)); // one chunk longer than a batch: cut into pieces
    };
    const { dashboard } = await setup(burst, { maxBatchBytes: 2_048, maxBatchChunks: 8 });
    const events = await all(dashboard.runCommand('agent-1', 'burst'));
    const outputs = events.filter((event) => event.type === 'output');
    expect(outputs.length).toBeGreaterThan(12);
    for (const batch of outputs) {
      expect(batch.chunks.length).toBeLessThanOrEqual(8);
      expect(batch.chunks.reduce((n, chunk) => n + chunk.text.length, 0)).toBeLessThanOrEqual(
        2_048,
      );
    }
    expect(text(events)).toHaveLength(100 * 100 + 5_000);
  });

  it('keeps what a slow caller has not read within maxCallerBytes; the log has it all', async () => {
    const chunk = `${'z'.repeat(1_000)}\n`;
    const total = 300;
    let peakCallerBytes = 0;
    let written = 0;
    const { dashboard, service } = await setup(
      async (_request, io) => {
        // Fast: 300 KB while the caller reads one event; each publish is acked before the next.
        for (let i = 0; i < total; i++) {
          io.stdout(chunk);
          written += 1;
          peakCallerBytes = Math.max(peakCallerBytes, service.stats().callerBytes);
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      { maxBatchBytes: 2_048, maxCallerBytes: 8_192 },
    );
    const run = dashboard.runCommand('agent-1', 'flood', { credit: 2 });
    const iterator = run[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'start' });
    // The caller stops reading; the command runs to its end regardless.
    const watcher = dashboard.followCommand('agent-1', run.commandId);
    const logged: TerminalEvent[] = [];
    watcher.on('terminal', (event) => logged.push(event));
    await watcher.exited;
    expect(written).toBe(total);
    expect(peakCallerBytes).toBeGreaterThan(0);
    expect(peakCallerBytes).toBeLessThanOrEqual(8_192);
    const read: TerminalEvent[] = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next())
      read.push(step.value);
    expect(read.at(-1)).toMatchObject({ type: 'exit', status: 'completed' });
    // The caller lost its oldest unread output (a gap in seq, counted), never start or exit.
    expect(run.missed).toBeGreaterThan(0);
    expect(run.missed + read.length + 1).toBe(logged.length);
    // The log has every byte, in order (publishes wait for acks; nothing was dropped there).
    expect(logged.at(-1)).toMatchObject({ type: 'exit', dropped: 0 });
    expect(text(logged)).toBe(chunk.repeat(total));
  });

  it('interrupts from the caller: the agent’s signal fires, the exit says interrupted', async () => {
    const { executor, stop } = endless();
    const { dashboard, service } = await setup(executor);
    const stopper = new AbortController();
    const run = dashboard.runCommand('agent-1', 'yes', { signal: stopper.signal });
    const events: TerminalEvent[] = [];
    for await (const event of run) {
      events.push(event);
      if (event.type === 'output' && !stopper.signal.aborted) stopper.abort();
    }
    expect(await stop).toMatchObject({ code: ErrorCode.CANCELLED });
    const exit = events.at(-1);
    expect(exit).toMatchObject({ type: 'exit', status: 'interrupted', exitCode: 130 });
    expect(await run.result).toEqual(exit);
    expect(service.running()).toEqual([]);
  });

  it('interrupts when the caller breaks out of the iteration; result still gets the exit', async () => {
    const { executor, stop } = endless();
    const { dashboard } = await setup(executor);
    const run = dashboard.runCommand('agent-1', 'yes');
    for await (const event of run) if (event.type === 'output') break;
    expect(await stop).toMatchObject({ code: ErrorCode.CANCELLED });
    expect(await run.result).toMatchObject({ type: 'exit', status: 'interrupted' });
    expect(run.interrupted).toBe(true);
  });

  it('lets another dashboard interrupt by id (command:interrupt); NOT_FOUND when not running', async () => {
    const { executor, stop } = endless();
    const { hub, dashboard } = await setup(executor);
    const other = new AgentChannelClient(await h.connect(hub, 'coordinator'));
    const run = dashboard.runCommand('agent-1', 'yes', { commandId: 'c-1' });
    const iterator = run[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'start' });
    await other.interruptCommand('agent-1', 'c-1');
    expect(await stop).toMatchObject({
      code: ErrorCode.CANCELLED,
      message: 'Interrupted by coordinator',
    });
    expect(await run.wait()).toMatchObject({ status: 'interrupted' });
    await expect(other.interruptCommand('agent-1', 'c-1')).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    // A reused id is refused: its topic already has a history.
    await expect(
      dashboard.runCommand('agent-1', 'yes', { commandId: 'c-1' }).wait(),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'commandId' },
    });
  });

  it('shows one command to two dashboards: the caller and a follower see the same events', async () => {
    const { hub, dashboard } = await setup(countTo);
    const watcher = new AgentChannelClient(await h.connect(hub, 'coordinator'));
    const follower = watcher.followCommand('agent-1', 'shared');
    await follower.ready;
    const followed: TerminalEvent[] = [];
    follower.on('terminal', (event) => followed.push(event));
    const ran = await all(
      dashboard.runCommand('agent-1', 'count', { args: ['40'], commandId: 'shared' }),
    );
    await follower.exited;
    expect(followed).toEqual(ran);
    expect(text(followed, 'stdout')).toBe(expectedOut(40));
  });

  it('gives a late joiner the whole command from its start, with no gap and no duplicate', async () => {
    const { hub, dashboard } = await setup(countTo);
    const run = dashboard.runCommand('agent-1', 'count', { args: ['60', '3'] });
    const iterator = run[Symbol.asyncIterator]();
    const ran: TerminalEvent[] = [];
    // Join once the command is well under way.
    while (ran.length < 10) {
      const step = await iterator.next();
      expect(step.done).toBe(false);
      ran.push(step.value as TerminalEvent);
    }
    const late = new AgentChannelClient(await h.connect(hub, 'coordinator'));
    const follower = late.followCommand('agent-1', run.commandId);
    const followed: TerminalEvent[] = [];
    const gaps: unknown[] = [];
    follower.on('terminal', (event) => followed.push(event));
    follower.on('gap', (gap) => gaps.push(gap));
    for (let step = await iterator.next(); !step.done; step = await iterator.next())
      ran.push(step.value);
    await follower.exited;
    expect(followed.map((event) => event.seq)).toEqual(ran.map((_, i) => i + 1));
    expect(followed).toEqual(ran);
    expect(gaps).toEqual([]);
    // After the end too: a follower of a finished command replays all of it.
    const after = late.followCommand('agent-1', run.commandId);
    const replayed: TerminalEvent[] = [];
    after.on('terminal', (event) => replayed.push(event));
    await after.exited;
    expect(replayed).toEqual(ran);
  });

  it('resumes a follower whose connection dropped mid-stream with no gap and no duplicate', async () => {
    const { executor, stop } = endless();
    const { hub, dashboard } = await setup(executor);
    const watcherClient = await h.connect(hub, 'coordinator', {
      reconnectIntervalMs: 20,
      maxReconnectIntervalMs: 50,
    });
    const watcher = new AgentChannelClient(watcherClient);
    const run = dashboard.runCommand('agent-1', 'yes', { commandId: 'long' });
    const follower = watcher.followCommand('agent-1', 'long');
    const followed: TerminalEvent[] = [];
    const gaps: unknown[] = [];
    follower.on('gap', (gap) => gaps.push(gap));
    const dropped = new Promise<void>((resolve) => {
      follower.on('terminal', (event) => {
        followed.push(event);
        if (event.seq === 5) {
          hub.server.getConnection(watcherClient.connectionId!)!.socket.terminate();
          resolve();
        }
      });
    });
    const ran: TerminalEvent[] = [];
    const reading = (async () => {
      for await (const event of run) ran.push(event);
    })();
    await dropped;
    await new Promise<void>((resolve) => watcherClient.once('connected', () => resolve()));
    // Output went on while the follower was away; stop once it is back and has seen more.
    const seen = followed.length;
    await new Promise<void>((resolve) => {
      const check = () => followed.length > seen + 3 && resolve();
      follower.on('terminal', check);
    });
    run.interrupt();
    await stop;
    await reading;
    await follower.exited;
    expect(gaps).toEqual([]);
    expect(followed.map((event) => event.seq)).toEqual(followed.map((_, i) => i + 1));
    expect(followed.at(-1)).toMatchObject({ type: 'exit', status: 'interrupted' });
    // The same as the log holds (the caller, interrupted, saw only a prefix and the exit).
    const truth: TerminalEvent[] = [];
    const replay = dashboard.followCommand('agent-1', 'long');
    replay.on('terminal', (event) => truth.push(event));
    await replay.exited;
    expect(followed).toEqual(truth);
    expect(ran).toEqual([...truth.slice(0, ran.length - 1), truth.at(-1)]);
  });

  it('fails the caller with HANDLER_GONE when the agent dies mid-command', async () => {
    const { executor } = endless();
    const { hub, dashboard, agentClient } = await setup(executor);
    const run = dashboard.runCommand('agent-1', 'yes');
    const iterator = run[Symbol.asyncIterator]();
    let step = await iterator.next();
    while (step.value?.type !== 'output') step = await iterator.next();
    hub.server.getConnection(agentClient.connectionId!)!.socket.terminate();
    const failure = await (async () => {
      try {
        for (;;) if ((await iterator.next()).done) return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toMatchObject({ code: ErrorCode.HANDLER_GONE });
    await expect(run.result).rejects.toMatchObject({ code: ErrorCode.HANDLER_GONE });
  });

  it('runs at most maxRunning commands at once; one more gets TOO_MANY_CALLS and may retry', async () => {
    const { executor, stop } = endless();
    const { dashboard, service, agent } = await setup(executor, { maxRunning: 2 });
    const first = dashboard.runCommand('agent-1', 'yes', { commandId: 'a' });
    const second = dashboard.runCommand('agent-1', 'yes', { commandId: 'b' });
    // Both asked before either started: the limit counts commands still starting too.
    const third = dashboard.runCommand('agent-1', 'yes', { commandId: 'c' });
    await expect(third.wait()).rejects.toMatchObject({
      code: ErrorCode.TOO_MANY_CALLS,
      details: { maxRunning: 2 },
    });
    await expect.poll(() => service.running().sort()).toEqual(['a', 'b']);
    await dashboard.interruptCommand('agent-1', 'a');
    await stop;
    expect(await first.wait()).toMatchObject({ status: 'interrupted' });
    // Refused before its id was used: the same command id runs once there is room.
    const retried = dashboard.runCommand('agent-1', 'yes', { commandId: 'c' });
    await expect.poll(() => service.running().sort()).toEqual(['b', 'c']);
    await Promise.all([
      dashboard.interruptCommand('agent-1', 'b'),
      dashboard.interruptCommand('agent-1', 'c'),
    ]);
    expect(await second.wait()).toMatchObject({ status: 'interrupted' });
    expect(await retried.wait()).toMatchObject({ status: 'interrupted' });
    for (const maxRunning of [0, 1.5, '2']) {
      expect(() => agent.serveCommands('agent-1', executor, { maxRunning } as never)).toThrow(
        /maxRunning/,
      );
    }
  });

  it('refuses bad requests and options with errors that name them', async () => {
    const { dashboard, agent } = await setup(countTo);
    expect(() => agent.serveCommands('agent-1', countTo, { maxBatchBytes: 10 })).toThrow(
      /maxBatchBytes/,
    );
    expect(() => agent.serveCommands('agent-1', countTo, { nope: 1 } as never)).toThrow(/nope/);
    expect(() => agent.serveCommands('agent-1', countTo, { maxCallerBytes: 1.5 })).toThrow(
      /maxCallerBytes/,
    );
    expect(() => dashboard.runCommand('bad.id', 'x')).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_TOPIC }),
    );
    await expect(dashboard.runCommand('agent-2', 'x').wait()).rejects.toMatchObject({
      code: expect.stringMatching(/NOT_FOUND|NO_RESPONDERS/),
    });
  });
});
