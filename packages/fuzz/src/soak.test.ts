import { describe, expect, it } from 'vitest';
import { failures, runSoak } from './soak.ts';

// The CI slice of `pnpm fuzz`: a few fixed seeds, a short run each, against a real hub in a
// child process. A failure prints the seed; replay it with `pnpm fuzz --seed <seed>`.
const SEEDS = [1, 2, 3];
const FRAMES = 10_000;

describe('fuzz soak (CI slice)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${FRAMES} frames, the hub answers everything and leaks nothing`, async () => {
      const report = await runSoak({ seed, frames: FRAMES, connections: 6 });
      expect(
        failures(report),
        `replay: pnpm fuzz --seed ${seed} --frames ${FRAMES} --connections 6`,
      ).toEqual([]);
      expect(report.frames).toBe(FRAMES);
      // The run did reach the hub: answers were owed and came, the well-behaved stream flowed.
      expect(report.answered).toBeGreaterThan(FRAMES / 10);
      expect(report.wellBehaved.received).toBe(report.wellBehaved.acked);
      expect(report.ok).toBe(true);
    }, 60_000);
  }

  it('sees deliveries outside its ACL reach the restricted principal as leaks', async () => {
    const report = await runSoak({
      seed: 4,
      frames: 6_000,
      connections: 2,
      hubEnv: { FUZZ_HUB_FAULT: 'open-acl' },
    });
    expect(report.crashes).toBe(0);
    expect(report.leaks).toBeGreaterThan(0);
    expect(report.leakExamples[0]).toMatch(/^f1 \(agent7\) got /);
    expect(failures(report)).toContain(
      `${report.leaks} deliveries leaked to the restricted principal`,
    );
  }, 60_000);

  it('sees a hub that dies mid-run as a crash and fails the run', async () => {
    const report = await runSoak({
      seed: 9,
      frames: 200_000,
      connections: 2,
      hubEnv: { FUZZ_HUB_FAULT: 'exit-after-ms:1500' },
    });
    expect(report.crashes).toBe(1);
    expect(report.hubExit.code).toBe(70);
    expect(report.ok).toBe(false);
    expect(failures(report)[0]).toMatch(/the hub crashed/);
  }, 60_000);
});
