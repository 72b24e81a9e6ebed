import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from './config/settings.ts';
import { createProgram } from './program.ts';
import { BUNDLE, expectExit, PACKAGE_DIR, runCli } from './testing/cli-process.ts';
import { startTestHub } from './testing/test-hub.ts';
import { CLI_VERSION } from './version.ts';

const run = promisify(execFile);

describe('the command tree', () => {
  it('describes every command and every option in its --help', () => {
    const program = createProgram();
    expect(program.commands.map((c) => c.name()).sort()).toEqual(
      [
        ...['bench', 'benchmark', 'connect', 'monitor', 'pub', 'request', 'send'],
        ...['serve', 'status', 'sub', 'support', 'test', 'token'],
      ].sort(),
    );
    for (const command of program.commands) {
      expect(command.description(), command.name()).not.toBe('');
      expect(command.helpInformation()).toContain(`Usage: switchboard ${command.name()}`);
      for (const option of command.options) {
        expect(option.description, `${command.name()} ${option.flags}`).not.toBe('');
      }
    }
  });
});

describe('switchboard as a process', () => {
  it('prints help with the exit codes, and the help of a command, with exit 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Exit codes:');
    expect(top.stdout).toMatch(/^ {2}4 {2}refused by the hub/m);
    const serve = await runCli(['websocket', 'serve', '--help']);
    expect(serve.code).toBe(0);
    for (const setting of SETTINGS) {
      if (setting.flag) expect(serve.stdout).toContain(`--${setting.flag}`);
    }
    expect(serve.stdout).toContain(
      'Precedence: flags > SWITCHBOARD_* variables > config file > defaults',
    );
  });

  it('exits 2 on usage errors: unknown command, missing argument, bad flag value', async () => {
    await expectExit(['subscribe', 'x'], 2, "unknown command 'subscribe'");
    await expectExit(['sub'], 2, "missing required argument 'pattern'");
    await expectExit(
      ['sub', 'a.#', '--count', 'many'],
      2,
      'expected a positive integer, got "many"',
    );
    await expectExit(['pub', 'a', '1', '--url', 'localhost:8080'], 2, 'expected a ws://, wss://');
  });

  it('prints its version, from source through tsx as `pnpm switchboard` runs it', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'src/main.ts', '--version'],
      { cwd: PACKAGE_DIR },
    );
    expect(stdout.trim()).toBe(CLI_VERSION);
  });

  it('redraws the monitor in place on a terminal', async () => {
    const hub = await startTestHub();
    try {
      // `script` gives the CLI a pseudo-terminal for stdout.
      const command = `"${process.execPath}" "${BUNDLE}" monitor ${hub.url} --interval 100 --duration 350`;
      const { stdout } = await run('script', ['-qec', command, '/dev/null'], { timeout: 15_000 });
      expect(stdout).toContain('\x1b[H\x1b[2J');
      expect(stdout).toMatch(/hub +status +conns +subs +topics +pub\/s +deliv\/s +drop\/s/);
    } finally {
      await hub.close();
    }
  });
});
