import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { bounded, expectExit, runCli, startCli } from '../testing/cli-process.ts';
import { cleanUpAfterEachTest, startTestHub, type TestHub } from '../testing/test-hub.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-pubsub-'));
cleanUpAfterEachTest();
let hub: TestHub;
beforeEach(async () => {
  hub = await startTestHub();
  hub.router.route({ method: 'tasks.count', handler: (data) => ({ count: 3, asked: data }) });
  hub.router.route({
    method: 'tasks.secret',
    handler: () => {
      throw new SwitchboardError(ErrorCode.FORBIDDEN, 'coordinators only');
    },
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const waitForSubscriptions = (count: number) =>
  vi.waitFor(() => expect(hub.server.stats().subscriptions).toBeGreaterThanOrEqual(count), {
    timeout: 15_000,
    interval: 20,
  });

/** What the hub stored on `pattern`, read back with `sub --since 0`. */
async function storedEvents(pattern: string, count: number) {
  const args = ['sub', pattern, '--since', '0', '--count', String(count), '--json'];
  const result = await runCli([...args, '--url', hub.url]);
  expect(result.code).toBe(0);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { topic: string; data: unknown });
}

describe('switchboard sub', () => {
  it('prints events as JSON lines and exits 0 after --count', async () => {
    const sub = startCli(['sub', 'agent.*.status', '--json', '--count', '2', '--url', hub.url]);
    await waitForSubscriptions(1);
    await hub.router.publish('agent.1.status', { state: 'idle' });
    await hub.router.publish('task.1.created', { ignored: true });
    await hub.router.publish('agent.2.status', { state: 'busy' });
    expect(await bounded(sub, 'sub')).toBe(0);
    const events = sub.stdout.lines.map((line) => JSON.parse(line));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      topic: 'agent.1.status',
      data: { state: 'idle' },
      sequenceNumber: 1,
      offset: 1,
    });
    expect(events[1]).toMatchObject({
      topic: 'agent.2.status',
      data: { state: 'busy' },
      offset: 3,
    });
    expect(typeof events[1].epoch).toBe('string');
    expect(events[1]).not.toHaveProperty('type');
  });

  it('replays history with --since and marks replayed events', async () => {
    await hub.router.publish('task.1.created', { n: 1 });
    await hub.router.publish('task.1.created', { n: 2 });
    const all = await runCli(['sub', 'task.#', '--since', '0', '--count', '2', '--url', hub.url]);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n').filter(Boolean)).toEqual([
      'task.1.created #1 @1 (replay) {"n":1}',
      'task.1.created #2 @2 (replay) {"n":2}',
    ]);
    const last = await runCli([
      'sub',
      'task.#',
      '--since',
      'last',
      '--count',
      '1',
      '--json',
      '--url',
      hub.url,
    ]);
    expect(JSON.parse(last.stdout)).toMatchObject({ data: { n: 2 }, sequenceNumber: 2 });
  });

  it('pipes into pub as a live bridge: each JSON line is published as it comes', async () => {
    const sub = startCli(['sub', 'src.#', '--json', '--url', hub.url]);
    const pub = startCli(['pub', 'copy.events', '-', '--lines', '--json', '--url', hub.url], {
      stdin: sub.child.stdout!,
    });
    await waitForSubscriptions(1);
    for (let i = 1; i <= 3; i++) await hub.router.publish(`src.${i}`, { i });
    // Acked while sub is still running: pub does not wait for the end of its input.
    const acks = (await pub.stdout.waitForLines(/"topic":"copy\.events"/, 3, 'pub acks')).map((l) =>
      JSON.parse(l),
    );
    expect(acks.map((ack) => ack.sequenceNumber)).toEqual([1, 2, 3]);
    sub.child.kill('SIGINT');
    expect(await bounded(sub, 'sub')).toBe(0);
    expect(await bounded(pub, 'pub')).toBe(0);
    expect(
      (await storedEvents('copy.events', 3)).map((e) => (e.data as { topic: string }).topic),
    ).toEqual(['src.1', 'src.2', 'src.3']);
  });

  it('pub --lines stops at a refused publish with its exit code', async () => {
    const strict = await startTestHub({
      authenticate: () => ({ id: 'writer', publish: ['ok.#'] }),
    });
    const args = ['-', '--lines', '--url', strict.url, '--token', 't'];
    expect((await runCli(['pub', 'ok.1', ...args], { stdin: '1\n2\n' })).code).toBe(0);
    await expectExit(['pub', 'no.1', ...args], 4, 'FORBIDDEN', { stdin: '1\n2\n' });
  });
});

describe('switchboard pub', () => {
  it('publishes JSON from stdin and from @file and prints the ack', async () => {
    const fromStdin = await runCli(['pub', 'agent.42.status', '-', '--url', hub.url], {
      stdin: '{"state":"busy"}\n',
    });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toMatch(
      /^published agent\.42\.status offset=1 sequence=1 epoch=\S+\n$/,
    );
    const file = join(dir, 'payload.json');
    writeFileSync(file, JSON.stringify({ state: 'idle', load: [1, 2] }));
    const fromFile = await runCli([
      'pub',
      'agent.42.status',
      `@${file}`,
      '--url',
      hub.url,
      '--json',
    ]);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({
      topic: 'agent.42.status',
      offset: 2,
      sequenceNumber: 2,
      duplicate: false,
    });
    const text = await runCli(['pub', 'log.line', 'hello world', '--text', '--url', hub.url]);
    expect(text.code).toBe(0);
    expect((await storedEvents('#', 3)).map((e) => e.data)).toEqual([
      { state: 'busy' },
      { state: 'idle', load: [1, 2] },
      'hello world',
    ]);
  });

  it('acks a repeated --id as a duplicate', async () => {
    const first = await runCli(['pub', 't.x', '1', '--id', 'm-1', '--url', hub.url]);
    const again = await runCli(['pub', 't.x', '1', '--id', 'm-1', '--url', hub.url]);
    expect(first.stdout).not.toContain('duplicate');
    expect(again.stdout).toMatch(/offset=1 sequence=1 .* duplicate/);
  });

  it('exits 2 on a bad topic or payload without connecting, 3 when nobody listens', async () => {
    await expectExit(['pub', 'agent.*', '1', '--url', hub.url], 2, 'wildcards are allowed only');
    await expectExit(['pub', 'agent.1', 'not json', '--url', hub.url], 2, 'payload is not JSON');
    expect(hub.server.stats().messagesIn).toBe(0);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    await expectExit(
      ['pub', 'agent.1', '1', '--url', `ws://127.0.0.1:${port}`],
      3,
      'CONNECTION_CLOSED',
    );
  });
});

describe('switchboard request', () => {
  it("prints the response's data", async () => {
    const result = await runCli(['request', 'tasks.count', '{"state":"open"}', '--url', hub.url]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ count: 3, asked: { state: 'open' } });
    const compact = await runCli(['request', 'tasks.count', '--json', '--url', hub.url]);
    expect(compact.stdout).toBe('{"count":3,"asked":null}\n');
  });

  it('exits 5 on an error answer and 4 on a refusal, with the code on stderr', async () => {
    await expectExit(['request', 'tasks.nope', '--url', hub.url], 5, 'NOT_FOUND');
    await expectExit(
      ['request', 'tasks.secret', '--url', hub.url],
      4,
      'FORBIDDEN: coordinators only',
    );
  });
});

describe('switchboard send (the seed command)', () => {
  it('publishes text on "message", on --type, or on the JSON message\'s type', async () => {
    expect((await runCli(['send', 'Hello WebSocket', '--url', hub.url])).stdout).toMatch(
      /^sent message offset=1 /,
    );
    expect(
      (
        await runCli([
          'websocket',
          'send',
          'Task update',
          '--type',
          'task_update',
          '--url',
          hub.url,
        ])
      ).stdout,
    ).toMatch(/^sent task_update offset=2 /);
    const json = await runCli([
      'send',
      '{"type":"test","data":"hello"}',
      '--json',
      '--url',
      hub.url,
    ]);
    expect(json.stdout).toMatch(/^sent test offset=3 /);
    expect((await storedEvents('#', 3)).map((e) => e.data)).toEqual([
      'Hello WebSocket',
      'Task update',
      { type: 'test', data: 'hello' },
    ]);
  });
});
