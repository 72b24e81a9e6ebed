import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Where the server and the load run: server alone on core 0, everything else on core 1. */
export interface Placement {
  /** `taskset` is available and the machine has two or more cores. */
  pinned: boolean;
  serverCore: number;
  loadCore: number;
}

let placement: Placement | undefined;

export function placementOf(): Placement {
  if (placement) return placement;
  let hasTaskset = false;
  try {
    execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' });
    hasTaskset = true;
  } catch {
    hasTaskset = false;
  }
  placement = { pinned: hasTaskset && availableParallelism() >= 2, serverCore: 0, loadCore: 1 };
  return placement;
}

/** Moves this process (the orchestrator) to the load core, away from the server's. */
export function pinSelfToLoadCore(): void {
  const where = placementOf();
  if (!where.pinned) return;
  try {
    execFileSync('taskset', ['-pc', String(where.loadCore), String(process.pid)], {
      stdio: 'ignore',
    });
  } catch {
    // Not allowed (container policy): the children are still pinned individually.
  }
}
