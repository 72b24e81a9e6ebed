import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '@switchboard/test-utils';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../hub.ts';
import { servePage } from './serve-page.ts';

/**
 * The hooks in a real browser: a page built with Vite renders them under StrictMode with
 * a client the provider owns, against a real hub. The hub counts the subscribe frames it
 * receives: one per pattern, whatever StrictMode does, and one more after a restart.
 *
 * Without Chromium this fails in CI and is skipped, visibly, elsewhere.
 */
const available = chromiumAvailable();
if (!available && !process.env.CI) {
  console.warn(
    `[skip] Chromium not found at ${CHROMIUM_PATH}; @switchboard/react browser test skipped`,
  );
}
const describeBrowser = available || process.env.CI ? describe : describe.skip;

const PATTERNS = ['demo.#', 'agent.*.status', 'agent.*.health', '$metrics'];

describeBrowser('@switchboard/react in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let hub: TestHub;
  let site: Awaited<ReturnType<typeof servePage>>;

  beforeAll(async () => {
    if (!available) {
      throw new Error(
        `Chromium not found at ${CHROMIUM_PATH}: the browser test needs it in CI (set CHROMIUM_PATH)`,
      );
    }
    hub = await startHub((router) => {
      router.route({ method: 'math.double', handler: (data) => (data as number) * 2 });
    });
    site = await servePage();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await hub?.close();
  });

  const waitForState = (state: string) =>
    page.waitForSelector(`#status[data-state="${state}"]`, { timeout: 15_000 });
  const texts = (selector: string) =>
    page.$$eval(selector, (nodes) => nodes.map((node) => node.textContent));
  const wantedBy = () =>
    hub.server.getConnectedClients().flatMap((c) => hub.router.getSubscriptions(c.id));
  const subscribeCounts = () => PATTERNS.map((pattern) => hub.subscribes.get(pattern) ?? 0);

  it('shows status, events, an answer and agents, with one subscribe per pattern, and survives a hub restart', async () => {
    await hub.agents.publishStatusChange({ agentId: 'agent-1', status: 'idle' });
    await hub.router.publish('$metrics', { activeAgents: 1 });

    page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${site.url}?hub=${encodeURIComponent(hub.url)}`);
    await waitForState('connected');
    expect(await page.getAttribute('#status', 'aria-label')).toBe(
      'Switchboard connection: Connected',
    );
    // StrictMode is on (effects ran twice), yet the hub saw one connection.
    expect(
      await page.evaluate(
        () => (window as unknown as { probe: { effectRuns: number } }).probe.effectRuns,
      ),
    ).toBe(2);
    expect(hub.connections()).toBe(1);

    // Retained values show at once.
    await page.waitForSelector('#agents [data-agent-id="agent-1"][data-status="idle"]');
    await page.waitForFunction(() => document.querySelector('#metrics')?.textContent === '1');
    await expect.poll(wantedBy).toEqual(expect.arrayContaining(PATTERNS));

    for (const text of ['one', 'two', 'three']) await hub.router.publish(`demo.${text}`, { text });
    await page.waitForFunction(() => document.querySelectorAll('#events li').length === 3);
    expect(await texts('#events li')).toEqual(['one', 'two', 'three']);
    expect(await page.textContent('#latest')).toBe('three');

    await page.click('#ask');
    await page.waitForFunction(() => document.querySelector('#answer')?.textContent === '42');

    await hub.agents.publishStatusChange({ agentId: 'agent-2', status: 'busy' });
    await hub.agents.publishHealthUpdate({ agentId: 'agent-2', healthy: false });
    await page.waitForSelector('#agents [data-agent-id="agent-2"][data-status="busy"]');
    expect(await texts('#agents li')).toEqual(['agent-1: idle', 'agent-2: busy (unhealthy)']);

    expect(subscribeCounts()).toEqual([1, 1, 1, 1]);
    expect(hub.unsubscribes.size).toBe(0);

    await hub.close();
    await waitForState('reconnecting');
    expect(Number(await page.getAttribute('#status', 'data-attempt'))).toBeGreaterThanOrEqual(1);
    await hub.start();
    await waitForState('connected');
    // The client resubscribed each pattern once on the new hub.
    await expect.poll(subscribeCounts).toEqual([2, 2, 2, 2]);
    await expect.poll(wantedBy).toEqual(expect.arrayContaining(PATTERNS));
    await hub.router.publish('demo.four', { text: 'four' });
    await page.waitForFunction(() => document.querySelector('#latest')?.textContent === 'four');
    expect(await texts('#events li')).toEqual(['one', 'two', 'three', 'four']);
    expect(problems).toEqual([]);
  });

  it('falls back to SSE and POST when the browser cannot open a WebSocket, then moves back', async () => {
    await page?.close();
    await expect.poll(() => hub.server.getConnectedClients().length, { timeout: 10_000 }).toBe(0);
    page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // A network that refuses upgrades: every WebSocket goes to a port nobody listens on
    // while `blockWebSocket` is set.
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const flags = window as unknown as { blockWebSocket: boolean };
      flags.blockWebSocket = true;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(flags.blockWebSocket ? 'ws://127.0.0.1:1' : url, protocols);
        }
      };
    });
    const transports = () =>
      hub.server
        .getConnectedClients()
        .map((c) => hub.server.getConnection(c.id)?.socket.constructor.name);
    await page.goto(`${site.url}?hub=${encodeURIComponent(hub.url)}&upgrade=200`);
    await waitForState('connected');
    await expect.poll(transports, { timeout: 10_000 }).toEqual(['SseSocket']);
    const before = (await texts('#events li')).length;
    await hub.router.publish('demo.sse', { text: 'over sse' });
    await page.waitForFunction(() => document.querySelector('#latest')?.textContent === 'over sse');
    await page.click('#ask');
    await page.waitForFunction(() => document.querySelector('#answer')?.textContent === '42');

    await page.evaluate(() => {
      (window as unknown as { blockWebSocket: boolean }).blockWebSocket = false;
    });
    await expect.poll(transports, { timeout: 10_000 }).toEqual(['WebSocket']);
    await waitForState('connected');
    await hub.router.publish('demo.ws', { text: 'over websocket' });
    await page.waitForFunction(
      () => document.querySelector('#latest')?.textContent === 'over websocket',
    );
    // Nothing lost or repeated across the move.
    expect((await texts('#events li')).slice(before)).toEqual(['over sse', 'over websocket']);
    expect(problems).toEqual([]);
    await page.close();
  });
});
