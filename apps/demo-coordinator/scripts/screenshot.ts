/**
 * Saves a screenshot of the running dashboard to docs/dashboard.png:
 *   node --conditions=source --import tsx scripts/screenshot.ts [out.png]
 * Starts the demo on a free port, waits for a decided consensus round and tasks in
 * progress, runs `status` on an agent in the terminal pane, then shoots the page.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@switchboard/test-utils';
import { chromium } from 'playwright-core';
import { createDemoHub } from '../src/hub.ts';
import { silentLog } from '../src/log.ts';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? resolve(here, '../../../docs/dashboard.png'));

const hub = await createDemoHub({ port: 0, tickMs: 300, seed: 7, leaveRate: 0.05, log: silentLog });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(hub.dashboardUrl);
  await page.waitForSelector('#conn-status[data-state="connected"]');
  // A decided round, an agent that left, a finished task, and a task part-way through.
  await page.waitForSelector('.round[data-outcome="approved"], .round[data-outcome="rejected"]', {
    timeout: 60_000,
  });
  await page.waitForSelector('.presence-left', { timeout: 60_000 });
  await page.waitForSelector('tr[data-state="completed"]', { timeout: 60_000 });
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll<HTMLProgressElement>('tr[data-state="running"] progress')].some(
        (bar) => bar.value > 20 && bar.value < 90,
      ),
    undefined,
    { timeout: 60_000 },
  );
  // The terminal pane with the output of a command run on an agent.
  await page.waitForSelector('#term-agent option', { state: 'attached' });
  const agent = await page.$eval(
    '#term-agent option',
    (option) => (option as HTMLOptionElement).value,
  );
  await page.selectOption('#term-agent', agent);
  await page.fill('#term-command', 'status');
  await page.click('#term-run');
  await page.waitForSelector('#term-exit[data-status="completed"]', { timeout: 15_000 });
  // Clicking scrolled the page; the sticky header belongs at the top of the shot.
  await page.evaluate(() => window.scrollTo(0, 0));
  await mkdir(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
  await hub.close();
}
