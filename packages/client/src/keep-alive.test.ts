import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeHub } from './testing/fake-hub.ts';

const CHILD = fileURLToPath(new URL('./testing/keep-alive-child.ts', import.meta.url));

interface Child {
  /** Resolves with the first stdout line for which `match` is true. */
  line(match: (line: string) => boolean): Promise<string>;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
  readonly process: ChildProcess;
}

const children: ChildProcess[] = [];
const hubs: FakeHub[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

function runChild(url: string, mode: 'keep' | 'unref'): Child {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CHILD, url, mode],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.match(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    lines,
    exited,
    process: child,
    line: (match) => {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      // An exit before the line fails the wait instead of hanging until the test timeout.
      return Promise.race([
        new Promise<string>((resolve) => waiters.push({ match, resolve })),
        exited.then((code) => {
          throw new Error(
            `child exited (${code}) before the line; it printed ${lines.join(' | ')}`,
          );
        }),
      ]);
    },
  };
}

async function startHub(port = 0): Promise<FakeHub> {
  const hub = await FakeHub.start({ port });
  hubs.push(hub);
  return hub;
}

describe('a Node process whose only handle is a WSClient', () => {
  it('stays up while the client reconnects across a hub restart, and exits after disconnect()', async () => {
    const hub = await startHub();
    const url = hub.url;
    const child = runChild(url, 'keep');
    await child.line((line) => line === 'connected 1');
    await hub.close();
    hubs.splice(hubs.indexOf(hub), 1);
    // Several reconnect waits with the hub down: the process must still be there.
    await child.line((line) => line === 'reconnecting 3');
    expect(child.process.exitCode).toBeNull();
    await startHub(Number(new URL(url).port));
    await child.line((line) => line === 'connected 2');
    // The child disconnects after its second connect; then nothing may hold it.
    expect(await child.exited).toBe(0);
  });

  it('with keepProcessAlive: false, exits on its own while the client is connected', async () => {
    const hub = await startHub();
    const child = runChild(hub.url, 'unref');
    expect(await child.exited).toBe(0);
    expect(child.lines).toContain('connected 1');
    expect(hub.connections).toHaveLength(1);
  });
});
