import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The README's "Commands and terminals" example, run as it is written (a real hub, agent
 * and dashboards in a child process, a real `sh`), so the README cannot drift from the API.
 */
const README = fileURLToPath(new URL('../README.md', import.meta.url));
// Inside the package (its imports resolve from here), in the git-ignored `.test-dist`.
const CACHE = fileURLToPath(new URL('../.test-dist/', import.meta.url));
const SCRIPT = `${CACHE}readme-commands-example.ts`;

async function example(): Promise<string> {
  const readme = await readFile(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Commands and terminals'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('README: no example under "Commands and terminals"');
  return match[1]!;
}

describe('README: Commands and terminals', () => {
  it('runs, prints the output and both interrupted exits', async () => {
    await mkdir(CACHE, { recursive: true });
    await writeFile(SCRIPT, await example());
    try {
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SCRIPT], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (data) => {
        out += String(data);
      });
      child.stderr.on('data', (data) => {
        err += String(data);
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, err }).toEqual({ code: 0, err: '' });
      expect(out).toBe(
        [
          '$ for i in 1 2 3; do echo line $i; sleep 0.1; done',
          'line 1',
          'line 2',
          'line 3',
          '-> completed (exit 0)',
          'followed exit: interrupted',
          'caller exit: interrupted',
          '',
        ].join('\n'),
      );
    } finally {
      await rm(SCRIPT, { force: true });
    }
  }, 60_000);
});
