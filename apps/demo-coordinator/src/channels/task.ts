import { TaskChannelClient, TaskChannelServer } from '@switchboard/channels-task';
import type { WSClient } from '@switchboard/client';
import type { TaskDispatchPort, TaskWorkerPort } from './ports.ts';

/** An agent's side: assignments addressed to it, and its progress and results. */
export function taskWorker(client: WSClient, agentId: string, onError: (e: unknown) => void) {
  const channel = new TaskChannelClient(client);
  channel.on('error', onError);
  const port: TaskWorkerPort = {
    onAssigned: (listener) =>
      channel.listen('assigned', (event, meta) => {
        // A replayed assignment is history, not work to start now.
        if (event.agentId === agentId && !meta.replay) listener(event);
      }),
    progress: (taskId, percent, message) =>
      channel.reportProgress({ taskId, agentId, percent, ...(message ? { message } : {}) }),
    complete: (taskId, result) => channel.reportCompleted({ taskId, agentId, result }),
    fail: (taskId, error, retryable) => channel.reportFailed({ taskId, agentId, error, retryable }),
    close() {
      channel.close().catch(() => {});
    },
  };
  return { port, ready: () => channel.subscribeAll({ kinds: ['assigned'] }) };
}

/**
 * The coordinator's side. It creates and assigns tasks with `TaskChannelServer`, which takes
 * anything that publishes like the hub's router: here the coordinator's own connection,
 * whose unrestricted principal may publish `created` and `assigned`.
 */
export function taskDispatch(client: WSClient, onError: (e: unknown) => void) {
  const publisher = new TaskChannelServer(client);
  const channel = new TaskChannelClient(client);
  channel.on('error', onError);
  const port: TaskDispatchPort = {
    create: async (taskId, title) => {
      await publisher.publishCreated({ taskId, title, createdBy: client.principal?.id });
    },
    assign: async (taskId, agentId) => {
      await publisher.publishAssigned({ taskId, agentId });
    },
    onOutcome(listener) {
      const offCompleted = channel.listen('completed', (event) =>
        listener({ taskId: event.taskId, agentId: event.agentId, ok: true }),
      );
      const offFailed = channel.listen('failed', (event) =>
        listener({
          taskId: event.taskId,
          agentId: event.agentId,
          ok: false,
          error: event.error,
          retryable: event.retryable,
        }),
      );
      return () => {
        offCompleted();
        offFailed();
      };
    },
    close() {
      channel.close().catch(() => {});
    },
  };
  return { port, ready: () => channel.subscribeAll({ kinds: ['completed', 'failed'] }) };
}
