import { ErrorCode } from '@switchboard/protocol';
import { harness } from '@switchboard/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskCreatedEvent, TaskProgressEvent } from './schemas.ts';
import { TaskChannelClient } from './task-channel-client.ts';
import { TaskChannelServer } from './task-channel-server.ts';

// Calls as the seed API (`@claude-flow/realtime`) documents them, through a real hub.
const h = harness();
afterEach(() => h.closeAll());

async function setup() {
  const hub = await h.start();
  const server = new TaskChannelServer(hub.router);
  const watcher = new TaskChannelClient(await h.connect(hub, 'coordinator'));
  await watcher.subscribeToTask('task-1');
  return { hub, server, watcher };
}

describe('the seed API of the task channel', () => {
  it('publishProgress with `progress`, `status` and `timestamp`: subscribers read either name', async () => {
    const { server, watcher } = await setup();
    const progress = new Promise<TaskProgressEvent>((resolve) => watcher.once('progress', resolve));
    await server.publishProgress({
      taskId: 'task-1',
      progress: 50,
      status: 'in-progress',
      timestamp: 1_700_000_000_000,
    });
    expect(await progress).toMatchObject({
      taskId: 'task-1',
      progress: 50,
      percent: 50,
      status: 'in-progress',
      timestamp: 1_700_000_000_000,
      at: 1_700_000_000_000,
    });
  });

  it('getSubscribedTasks lists the tasks subscribed one by one', async () => {
    const { watcher } = await setup();
    await watcher.subscribeToTask('task-2');
    expect(watcher.getSubscribedTasks().sort()).toEqual(['task-1', 'task-2']);
    await watcher.unsubscribeFromTask('task-1');
    expect(watcher.getSubscribedTasks()).toEqual(['task-2']);
  });

  it('reportProgress with `progress` from an agent', async () => {
    const { hub, watcher } = await setup();
    const agent = new TaskChannelClient(await h.connect(hub, 'agent-1'));
    const progress = new Promise<TaskProgressEvent>((resolve) =>
      watcher.once('progress:task-1', resolve),
    );
    await agent.reportProgress({
      taskId: 'task-1',
      progress: 50,
      status: 'in-progress',
      timestamp: Date.now(),
    });
    expect(await progress).toMatchObject({ progress: 50, percent: 50, agentId: 'agent-1' });
  });

  it('publishCompleted + waitForCompletion(taskId, 30000): the result has the seed fields', async () => {
    const { hub, server } = await setup();
    const waiter = new TaskChannelClient(await h.connect(hub, 'coordinator'));
    await waiter.subscribeToTask('task-1');
    const waiting = waiter.waitForCompletion('task-1', 30000);
    await server.publishCompleted({
      taskId: 'task-1',
      status: 'completed',
      result: { success: true },
      timestamp: 77,
    });
    const result = await waiting;
    expect(result).toMatchObject({
      taskId: 'task-1',
      status: 'completed',
      result: { success: true },
      timestamp: 77,
      at: 77,
    });
  });

  it('a seed-style failure (publishCompleted with status "failed") resolves the wait with it, as the seed did', async () => {
    const { server, watcher } = await setup();
    await server.publishCompleted({
      taskId: 'task-1',
      status: 'failed',
      error: { message: 'disk full', code: 'ENOSPC' },
      duration: 1200,
    });
    expect(await watcher.waitForCompletion('task-1', 5_000)).toMatchObject({
      status: 'failed',
      error: { message: 'disk full', code: 'ENOSPC' },
      duration: 1200,
    });
  });

  it('task creation takes the seed `type` for `title`, and keeps `priority` and `metadata`', async () => {
    const { server, watcher } = await setup();
    const created = new Promise<TaskCreatedEvent>((resolve) => watcher.once('created', resolve));
    await watcher.subscribeToTask('task-1', { kinds: ['created'] });
    await server.publishCreated({
      taskId: 'task-1',
      type: 'code-review',
      priority: 2,
      metadata: { repo: 'switchboard' },
      timestamp: 3,
    });
    expect(await created).toMatchObject({
      title: 'code-review',
      type: 'code-review',
      priority: 2,
      metadata: { repo: 'switchboard' },
      timestamp: 3,
    });
  });

  it('needs `percent` or `progress`, naming the field; two different values are refused', async () => {
    const { server } = await setup();
    await expect(
      server.publishProgress({ taskId: 'task-1', status: 'in-progress' }),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'percent' },
      message: expect.stringContaining('"progress"'),
    });
    await expect(
      server.publishProgress({ taskId: 'task-1', percent: 10, progress: 20 }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'progress' } });
    await expect(server.publishProgress({ taskId: 'task-1', progress: 150 })).rejects.toMatchObject(
      { code: ErrorCode.INVALID_MESSAGE, details: { field: 'progress' } },
    );
  });
});
