/**
 * The hub under test, in a process of its own so that a crash is seen as an exit: a WSServer
 * and WSRouter on 127.0.0.1 port 0 with the fuzz principals and a few routes. It reports its
 * URL, then its memory every 250 ms, over IPC; `{ type: 'stop' }` shuts it down.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchboardError } from '@switchboard/protocol';
import { WSRouter, WSServer } from '@switchboard/server';
import type { ChildMessage, ParentMessage } from './hub-messages.ts';
import { principalFor } from './principals.ts';

const DELIBERATE_FAILURE = 'fuzz: the agent.7.# route fails on purpose';

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

const server = new WSServer({
  port: 0,
  authenticate: (token) =>
    principalFor(token, Date.now(), process.env.FUZZ_HUB_FAULT === 'open-acl'),
  authTimeoutMs: 1_000,
  maxPayload: 262_144,
});
const router = new WSRouter(server, { maxCallTimeoutMs: 2_000 });
router.route({ method: 'echo', handler: (data) => data });
router.route({
  method: 'slow',
  handler: async (data) => {
    await sleep(20);
    return data;
  },
});
router.route({
  method: 'fail',
  handler: () => {
    throw new SwitchboardError('FORBIDDEN', 'the fail route always fails');
  },
});
router.route({ method: 'big', handler: () => 'b'.repeat(65_536) });
// An Error that is not a SwitchboardError must become INTERNAL_ERROR, not a crash.
router.route({
  topic: 'agent.7.#',
  handler: () => {
    throw new Error(DELIBERATE_FAILURE);
  },
});

// Failures inside the hub are `error` events (never thrown): count them for the report, all
// but the route's deliberate one (which the hub must report, and answer INTERNAL_ERROR).
let hubErrors = 0;
const hubErrorExamples: string[] = [];
function onHubError(error: unknown): void {
  if ((error as Error)?.message === DELIBERATE_FAILURE) return;
  hubErrors += 1;
  if (hubErrorExamples.length < 5)
    hubErrorExamples.push(String((error as Error)?.stack ?? error).slice(0, 500));
}
server.on('error', onHubError);
router.on('error', onHubError);

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

let heapPeak = 0;
let rssPeak = 0;
function sample(): { heapUsed: number; rss: number } {
  const { heapUsed, rss } = process.memoryUsage();
  heapPeak = Math.max(heapPeak, heapUsed);
  rssPeak = Math.max(rssPeak, rss);
  return { heapUsed, rss };
}

await server.start();
// process.memoryUsage() reads /proc: a few ms under load, so not too often.
const timer = setInterval(() => send({ type: 'memory', ...sample(), heapPeak, rssPeak }), 250);
// Revocation under load: every connection of `expiring` is closed with 4009 now and then.
const revoker = setInterval(() => server.revoke('expiring', 'fuzz revocation'), 1_500);
send({ type: 'ready', url: server.url, pid: process.pid });

// Fault injection for the soak's own tests (soak.test.ts): a hub that dies mid-run, or
// (above) one that forgets agent7's subscribe ACL.
const fault = process.env.FUZZ_HUB_FAULT;
if (fault?.startsWith('exit-after-ms:')) {
  setTimeout(() => process.exit(70), Number(fault.slice('exit-after-ms:'.length))).unref();
}

process.on('message', async (message: ParentMessage) => {
  if (message.type === 'measure') {
    loop.reset();
    return;
  }
  if (message.type !== 'stop') return;
  clearInterval(timer);
  sample();
  clearInterval(revoker);
  const connections = server.getConnectedClientIds().length;
  await server.shutdown(1_000);
  await router.close();
  loop.disable();
  send({
    type: 'final',
    heapPeak,
    rssPeak,
    connections,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
    hubErrors,
    hubErrorExamples,
  });
  process.disconnect();
});
// The orchestrator went away: do not linger.
process.on('disconnect', () => process.exit(0));
