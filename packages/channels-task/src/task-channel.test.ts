import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { collect, harness } from '@switchboard/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskFailedError } from './errors.ts';
import type { TaskProgressEvent } from './schemas.ts';
import { TaskChannelClient } from './task-channel-client.ts';
import { TaskChannelServer } from './task-channel-server.ts';

const h = harness();
afterEach(() => h.closeAll());

describe('TaskChannelServer -> TaskChannelClient', () => {
  it('round-trips created, assigned, progress, completed and failed', async () => {
    const hub = await h.start();
    const server = new TaskChannelServer(hub.router);
    const dashboard = new TaskChannelClient(await h.connect(hub, 'coordinator'));
    await dashboard.subscribeAll();
    const kinds = ['created', 'assigned', 'progress', 'completed', 'failed'] as const;
    const received = kinds.map(
      (kind) => new Promise((resolve) => dashboard.once(kind, (event: unknown) => resolve(event))),
    );
    const perTask = new Promise((resolve) => dashboard.once('progress:t1', resolve));

    await server.publishCreated({ taskId: 't1', title: 'index the repo', createdBy: 'cli', at: 1 });
    await server.publishAssigned({ taskId: 't1', agentId: 'agent-1', at: 2 });
    await server.publishProgress({ taskId: 't1', agentId: 'agent-1', percent: 40, at: 3 });
    await server.publishCompleted({ taskId: 't1', result: { files: 3 }, at: 4 });
    await server.publishFailed({ taskId: 't2', error: 'disk full', retryable: true, at: 5 });

    // Each field also under the seed API's name (`timestamp`, `type`, `progress`), and a
    // completion says `status: 'completed'` as the seed's did.
    expect(await Promise.all(received)).toEqual([
      {
        taskId: 't1',
        title: 'index the repo',
        type: 'index the repo',
        createdBy: 'cli',
        at: 1,
        timestamp: 1,
      },
      { taskId: 't1', agentId: 'agent-1', at: 2, timestamp: 2 },
      { taskId: 't1', agentId: 'agent-1', percent: 40, progress: 40, at: 3, timestamp: 3 },
      { taskId: 't1', status: 'completed', result: { files: 3 }, at: 4, timestamp: 4 },
      { taskId: 't2', error: 'disk full', retryable: true, at: 5, timestamp: 5 },
    ]);
    expect(await perTask).toMatchObject({ percent: 40 });
  });

  it('an agent reports progress and results; agentId defaults to its principal', async () => {
    const hub = await h.start();
    const agent = new TaskChannelClient(await h.connect(hub, 'agent-1'));
    const watcher = new TaskChannelClient(await h.connect(hub, 'coordinator'));
    await watcher.subscribeToTask('t1');
    const progress = collect<TaskProgressEvent>((push) => watcher.listen('progress:t1', push), 2);
    const completed = new Promise((resolve) => watcher.once('completed', resolve));
    await agent.reportProgress({ taskId: 't1', percent: 10, message: 'starting' });
    await agent.reportProgress({ taskId: 't1', percent: 100 });
    await agent.reportCompleted({ taskId: 't1', result: 'ok' });
    expect((await progress).map((e) => [e.agentId, e.percent, e.message])).toEqual([
      ['agent-1', 10, 'starting'],
      ['agent-1', 100, undefined],
    ]);
    expect(await completed).toMatchObject({ taskId: 't1', agentId: 'agent-1', result: 'ok' });
  });

  it('rejects invalid payloads and ids before sending, naming the field', async () => {
    const hub = await h.start();
    const server = new TaskChannelServer(hub.router);
    const agent = new TaskChannelClient(await h.connect(hub, 'agent-1'));
    await expect(agent.reportProgress({ taskId: 't1', percent: 150 })).rejects.toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'percent' },
    });
    await expect(
      agent.reportFailed({ taskId: 't1' } as Parameters<typeof agent.reportFailed>[0]),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'error' } });
    await expect(server.publishCreated({ taskId: 't1', title: '' })).rejects.toMatchObject({
      details: { field: 'title' },
    });
    await expect(server.publishAssigned({ taskId: 't 1', agentId: 'a' })).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
      details: { field: 'taskId' },
    });
    await expect(server.publishAssigned({ taskId: 't1', agentId: 'a.b' })).rejects.toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'agentId' },
    });
    await expect(agent.waitForCompletion('#')).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
      details: { field: 'taskId' },
    });
  });

  it('drops invalid events on receive and emits error naming the field', async () => {
    const hub = await h.start();
    const dashboard = new TaskChannelClient(await h.connect(hub, 'coordinator'));
    await dashboard.subscribeAll({ kinds: ['progress'] });
    const progress: TaskProgressEvent[] = [];
    dashboard.on('progress', (event) => progress.push(event));
    const error = new Promise<SwitchboardError>((resolve) => dashboard.once('error', resolve));
    await hub.router.publish('task.t1.progress', { taskId: 't1', percent: 'half', at: 1 });
    expect(await error).toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'percent', topic: 'task.t1.progress' },
    });
    const valid = new Promise((resolve) => dashboard.once('progress', resolve));
    await hub.router.publish('task.t1.progress', { taskId: 't1', percent: 50, at: 1 });
    await valid;
    expect(progress.map((e) => e.percent)).toEqual([50]);
  });
});

describe('waitForCompletion', () => {
  it('resolves on a live completion and leaves no listener or subscription behind', async () => {
    const hub = await h.start();
    const server = new TaskChannelServer(hub.router);
    const client = await h.connect(hub, 'agent-1');
    const tasks = new TaskChannelClient(client);
    const listeners = client.listenerCount('event');
    const waiting = tasks.waitForCompletion('t1', 10_000);
    await expect
      .poll(() => hub.router.getSubscriptions(client.connectionId!))
      .toEqual(['task.t1.completed', 'task.t1.failed']);
    await server.publishProgress({ taskId: 't1', percent: 50 });
    await server.publishCompleted({ taskId: 't1', result: 42 });
    expect(await waiting).toMatchObject({ taskId: 't1', result: 42 });
    expect(client.listenerCount('event')).toBe(listeners);
    expect(client.subscriptions.size).toBe(0);
    expect(hub.router.getSubscriptions(client.connectionId!)).toEqual([]);
  });

  it('resolves when the task completed before the call (retained last value)', async () => {
    const hub = await h.start();
    const server = new TaskChannelServer(hub.router);
    await server.publishCompleted({ taskId: 't1', result: 'early' });
    const client = await h.connect(hub, 'agent-1');
    const listeners = client.listenerCount('event');
    const result = await new TaskChannelClient(client).waitForCompletion('t1', 5_000);
    expect(result).toMatchObject({ taskId: 't1', result: 'early' });
    expect(client.listenerCount('event')).toBe(listeners);
    expect(client.subscriptions.size).toBe(0);
  });

  it('rejects with TaskFailedError when the task failed, before or after the call', async () => {
    const hub = await h.start();
    const server = new TaskChannelServer(hub.router);
    const tasks = new TaskChannelClient(await h.connect(hub, 'coordinator'));
    await server.publishFailed({ taskId: 't1', error: 'oom', retryable: true });
    const early = await tasks.waitForCompletion('t1', 5_000).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(TaskFailedError);
    expect(early).toMatchObject({
      taskId: 't1',
      retryable: true,
      message: 'Task "t1" failed: oom',
    });

    const live = tasks.waitForCompletion('t2', 5_000).catch((e: unknown) => e);
    await server.publishFailed({ taskId: 't2', agentId: 'agent-1', error: 'crashed' });
    expect(await live).toMatchObject({
      name: 'TaskFailedError',
      retryable: false,
      event: { agentId: 'agent-1', error: 'crashed' },
    });
  });

  it('the newest outcome wins: a task that failed, was retried and completed resolves', async () => {
    const hub = await h.start();
    const server = new TaskChannelServer(hub.router);
    await server.publishFailed({ taskId: 't1', error: 'flaky', retryable: true });
    await server.publishCompleted({ taskId: 't1', result: 'second try' });
    const tasks = new TaskChannelClient(await h.connect(hub, 'coordinator'));
    expect(await tasks.waitForCompletion('t1', 5_000)).toMatchObject({ result: 'second try' });
  });

  it('rejects with TIMEOUT and cleans up', async () => {
    const hub = await h.start();
    const client = await h.connect(hub, 'agent-1');
    const listeners = client.listenerCount('event');
    const error = await new TaskChannelClient(client)
      .waitForCompletion('never', 50)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({ code: ErrorCode.TIMEOUT, details: { timeoutMs: 50 } });
    expect(client.listenerCount('event')).toBe(listeners);
    expect(client.subscriptions.size).toBe(0);
    expect(hub.router.getSubscriptions(client.connectionId!)).toEqual([]);
  });

  it('keeps the channel subscription it shares and does not emit the replay twice', async () => {
    const hub = await h.start();
    const server = new TaskChannelServer(hub.router);
    const client = await h.connect(hub, 'coordinator');
    const tasks = new TaskChannelClient(client);
    await tasks.subscribeToTask('t1');
    const completions: unknown[] = [];
    tasks.on('completed', (event) => completions.push(event));
    await server.publishCompleted({ taskId: 't1', result: 1 });
    await expect.poll(() => completions.length).toBe(1);
    // The wait's since:'last' replays the same event on this connection.
    expect(await tasks.waitForCompletion('t1', 5_000)).toMatchObject({ result: 1 });
    expect(client.subscriptions.has('task.t1.completed')).toBe(true);
    const live = new Promise((resolve) => tasks.once('progress', resolve));
    await server.publishProgress({ taskId: 't1', percent: 1 });
    await live;
    expect(completions).toHaveLength(1);
  });

  it('concurrent waits on one task share the subscription until the last one ends', async () => {
    const hub = await h.start();
    const server = new TaskChannelServer(hub.router);
    const client = await h.connect(hub, 'coordinator');
    const tasks = new TaskChannelClient(client);
    const short = tasks.waitForCompletion('t1', 30).catch((e: unknown) => e);
    const long = tasks.waitForCompletion('t1', 10_000);
    expect(await short).toMatchObject({ code: ErrorCode.TIMEOUT });
    // The timed-out wait must not have unsubscribed the other one.
    expect(client.subscriptions.has('task.t1.completed')).toBe(true);
    await server.publishCompleted({ taskId: 't1' });
    expect(await long).toMatchObject({ taskId: 't1' });
    expect(client.subscriptions.size).toBe(0);
  });

  it('skips an invalid completion (emitting error) and goes on waiting', async () => {
    const hub = await h.start();
    const server = new TaskChannelServer(hub.router);
    const tasks = new TaskChannelClient(await h.connect(hub, 'coordinator'));
    const error = new Promise<SwitchboardError>((resolve) => tasks.once('error', resolve));
    const waiting = tasks.waitForCompletion('t1', 10_000);
    await expect.poll(() => hub.router.stats().subscriptions).toBe(2);
    await hub.router.publish('task.t1.completed', { taskId: 'other', at: 1 });
    expect(await error).toMatchObject({ details: { field: 'taskId' } });
    await server.publishCompleted({ taskId: 't1', result: 'real' });
    expect(await waiting).toMatchObject({ result: 'real' });
  });

  it('refuses a bad timeout with a TypeError', async () => {
    const hub = await h.start();
    const tasks = new TaskChannelClient(await h.connect(hub, 'coordinator'));
    await expect(tasks.waitForCompletion('t1', -5)).rejects.toThrow(TypeError);
  });

  it('refuses a timeout setTimeout cannot honour instead of timing out at once', async () => {
    const hub = await h.start();
    const tasks = new TaskChannelClient(await h.connect(hub, 'coordinator'));
    // setTimeout fires a delay above 2^31-1 ms after 1 ms: the wait would end with TIMEOUT.
    await expect(tasks.waitForCompletion('t1', 2 ** 31)).rejects.toThrow(
      new TypeError(
        'waitForCompletion option "timeoutMs" must be a number from 1 to 2147483647, got 2147483648',
      ),
    );
  });
});
