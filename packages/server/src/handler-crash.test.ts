import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WSClient } from '@switchboard/client';
import { ErrorCode } from '@switchboard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';

/**
 * A handler whose whole process dies mid-call (SIGKILL: no close frame, no unregister): the
 * hub learns it from the socket alone and fails the caller's call with HANDLER_GONE.
 */

const CHILD = fileURLToPath(new URL('./test-support/handler-child.ts', import.meta.url));
const { hub } = useHubFixture();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function handlerProcess(url: string, method: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CHILD, url, method],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout! });
  const line = (prefix: string) =>
    Promise.race([
      new Promise<string>((resolve) => {
        const onLine = (text: string) => {
          if (!text.startsWith(prefix)) return;
          lines.off('line', onLine);
          resolve(text);
        };
        lines.on('line', onLine);
      }),
      exited.then((signal) => {
        throw new Error(`handler process exited (${signal}) before printing ${prefix}`);
      }),
    ]);
  return { child, exited, line };
}

describe('a handler process that dies mid-call', () => {
  it('fails the call with HANDLER_GONE for a request and for a stream, and forgets the method', async () => {
    const { url, router } = await hub();
    const caller = new WSClient({ url });
    cleanups.push(() => caller.disconnect());
    await caller.connect();
    const agent = handlerProcess(url, 'agent.7.exec');
    const ready = agent.line('ready');
    await ready;
    const started = agent.line('started');
    // Outcomes caught at once: they settle while the test still waits for the exit.
    const call = caller.request('agent.7.exec', 'build', { timeout: 30_000 }).catch((e) => e);
    const stream = caller.requestStream('agent.7.exec', 'tail', { timeout: 30_000 });
    const streamed = (async () => {
      for await (const _ of stream) {
        // nothing is ever sent
      }
    })().catch((e) => e);
    await started;
    agent.child.kill('SIGKILL');
    expect(await agent.exited).toBe('SIGKILL');
    expect(await call).toMatchObject({
      code: ErrorCode.HANDLER_GONE,
      details: { method: 'agent.7.exec' },
    });
    expect(await streamed).toMatchObject({ code: ErrorCode.HANDLER_GONE });
    expect(router.callStats()).toMatchObject({ calls: 0 });
    // Nobody serves it any more: the next call is refused at once.
    await expect(caller.request('agent.7.exec', 'again')).rejects.toMatchObject({
      code: ErrorCode.NO_RESPONDERS,
    });
  });
});
