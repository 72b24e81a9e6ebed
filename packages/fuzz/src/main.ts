/**
 * `pnpm fuzz [--seed N] [--frames N] [--connections N] [--json]`: the fuzz soak against a hub
 * in a child process. Prints the seed first (replay a run with it) and the figures last;
 * exits 1 on a crash, an unanswered frame, a leaked delivery or a broken well-behaved stream.
 */
import { parseArgs } from 'node:util';
import { formatReport } from './format.ts';
import { failures, runSoak } from './soak.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    seed: { type: 'string' },
    frames: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} must be a non-negative integer, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const seed =
  values.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : positive('seed', values.seed);
const frames = positive('frames', values.frames);
const connections = Math.max(1, positive('connections', values.connections));
console.log(`fuzz soak: seed ${seed}, ${frames} frames, ${connections} connections`);
console.log(`replay: pnpm fuzz --seed ${seed} --frames ${frames} --connections ${connections}`);

const report = await runSoak({
  seed,
  frames,
  connections,
  onProgress: (sent) => process.stderr.write(`  ${sent} frames sent\n`),
});
console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
const problems = failures(report);
for (const problem of problems) console.error(`FAIL: ${problem}`);
process.exit(problems.length === 0 ? 0 : 1);
