import { AgentChannelClient } from '@switchboard/channels-agent';
import { WSClient } from '@switchboard/client';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '@switchboard/test-utils';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../hub.ts';
import { servePage } from './serve-page.ts';

/**
 * useAgentCommand in a real browser under StrictMode: a page runs a command on an agent (a
 * Node WSClient serving commands), shows its output, interrupts it; a second terminal on the
 * page follows the same command from its start. The hub counts subscribes: one per command
 * topic, whatever StrictMode does. Without Chromium this fails in CI and is skipped elsewhere.
 */
const available = chromiumAvailable();
if (!available && !process.env.CI) {
  console.warn(
    `[skip] Chromium not found at ${CHROMIUM_PATH}; useAgentCommand browser test skipped`,
  );
}
const describeBrowser = available || process.env.CI ? describe : describe.skip;

describeBrowser('useAgentCommand in Chromium', () => {
  let browser: Browser;
  let hub: TestHub;
  let site: Awaited<ReturnType<typeof servePage>>;
  let agentClient: WSClient;
  const signals: unknown[] = [];

  beforeAll(async () => {
    if (!available) {
      throw new Error(`Chromium not found at ${CHROMIUM_PATH}: the browser test needs it in CI`);
    }
    hub = await startHub();
    agentClient = new WSClient({ url: hub.url, token: 'agent-t' });
    await agentClient.connect();
    const agent = new AgentChannelClient(agentClient);
    await agent.serveCommands('agent-t', async (request, io) => {
      if (request.command === 'count') {
        for (let i = 1; i <= 5; i++) io.stdout(`count ${i}\n`);
        return 0;
      }
      // `yes`: one line every 20 ms until interrupted.
      for (let n = 1; !io.signal.aborted; n++) {
        io.stdout(`y ${n}\n`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      signals.push(io.signal.reason);
      return 130;
    }).ready;
    site = await servePage('./terminal-page.tsx');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await agentClient?.disconnect();
    await hub?.close();
  });

  it('runs a command, shows its output, interrupts it; a second terminal follows it from its start', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${site.url}?hub=${encodeURIComponent(hub.url)}&agent=agent-t`);

    page.setDefaultTimeout(20_000);
    await page.fill('#command', 'count');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#exit')?.textContent === 'completed');
    expect(await page.textContent('#output')).toBe('count 1\ncount 2\ncount 3\ncount 4\ncount 5\n');

    await page.fill('#command', 'yes');
    await page.click('#run');
    await page.waitForFunction(() =>
      document.querySelector('#output')?.textContent?.includes('y 3'),
    );
    const commandId = await page.getAttribute('#runner', 'data-command-id');
    // A late follower gets the output from the start.
    // Dispatched: the button moves down as the runner's output grows, never "stable".
    await page.dispatchEvent('#follow', 'click');
    await page.waitForFunction(() =>
      document.querySelector('#followed')?.textContent?.startsWith('y 1\ny 2\ny 3\n'),
    );
    await page.click('#interrupt');
    await page.waitForFunction(
      () => document.querySelector('#exit')?.textContent === 'interrupted',
    );
    await page.waitForFunction(
      () => document.querySelector('#followed-exit')?.textContent === 'interrupted',
    );
    expect(signals).toEqual([expect.objectContaining({ code: 'CANCELLED' })]);
    // Both terminals show the same output. The hub saw one subscribe per follow of the topic
    // whatever StrictMode did: the runner's, the follower's, and the wait for the exit after
    // the interrupt.
    expect(await page.textContent('#followed')).toBe(await page.textContent('#output'));
    expect(hub.subscribes.get(`agent.agent-t.term.${commandId}`)).toBe(3);
    expect(problems).toEqual([]);
  }, 60_000);
});
