import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoHub, type DemoHub } from './hub.ts';
import { createMemoryLog } from './log.ts';
import { requestedSeed, SEED_ENV } from './seed.ts';

const hubs: DemoHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

describe('the simulation seed', () => {
  it('is printed at start, whether chosen or drawn, and kept across a restart', async () => {
    const log = createMemoryLog();
    const hub = await createDemoHub({ port: 0, tickMs: 1_000, log });
    hubs.push(hub);
    expect(Number.isInteger(hub.seed)).toBe(true);
    expect(log.lines.join('\n')).toContain(`simulation seed ${hub.seed}`);
    expect(log.lines.join('\n')).toContain(`${SEED_ENV}=${hub.seed}`);
    const next = await hub.restart();
    hubs.splice(0, 1, next);
    expect(next.seed).toBe(hub.seed);
  });

  it('comes from --seed, then SWITCHBOARD_DEMO_SEED, then SEED; a bad one is refused', () => {
    expect(requestedSeed(['--seed', '7'], { [SEED_ENV]: '8', SEED: '9' })).toBe(7);
    expect(requestedSeed(['--seed=7'], {})).toBe(7);
    expect(requestedSeed([], { [SEED_ENV]: '8', SEED: '9' })).toBe(8);
    expect(requestedSeed([], { SEED: '9' })).toBe(9);
    expect(requestedSeed([], {})).toBeUndefined();
    expect(() => requestedSeed(['--seed'], {})).toThrow(/needs a value/);
    expect(() => requestedSeed([], { [SEED_ENV]: '1.5' })).toThrow(/SWITCHBOARD_DEMO_SEED=1.5/);
    expect(() => requestedSeed([], { [SEED_ENV]: '-1' })).toThrow(/integer from 0/);
  });

  it('`pnpm run demo` prints the seed it was given', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
      env: { ...process.env, PORT: '0', TICK_MS: '1000', [SEED_ENV]: '424242', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('simulation seed')) resolve();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.on('exit', (code) => reject(new Error(`demo exited ${code}:\n${output}`)));
      });
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    expect(output).toMatch(/simulation seed 424242\b/);
  });
});
