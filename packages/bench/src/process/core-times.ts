import { readFileSync } from 'node:fs';

/**
 * Busy and total ticks of each core, from /proc/stat (Linux); empty elsewhere. Busy means
 * process time (user, nice, system) and steal; irq and softirq are left out because loopback
 * TCP is processed in softirq on the sending core and is not charged to the sending process,
 * so it would show up as somebody else's load.
 */
export type CoreTimes = Array<{ busy: number; total: number }>;

export function readCoreTimes(): CoreTimes {
  try {
    const out: CoreTimes = [];
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const match = /^cpu(\d+)\s+(.*)$/.exec(line);
      if (!match) continue;
      // user nice system idle iowait irq softirq steal ...
      const [
        user = 0,
        nice = 0,
        system = 0,
        idle = 0,
        iowait = 0,
        irq = 0,
        softirq = 0,
        steal = 0,
      ] = match[2]!.trim().split(/\s+/).map(Number);
      const busy = user + nice + system + steal;
      out[Number(match[1])] = { busy, total: busy + idle + iowait + irq + softirq };
    }
    return out;
  } catch {
    return [];
  }
}

/** Share of time `core` was busy between two readings (NaN when unknown). */
export function coreBusy(before: CoreTimes, after: CoreTimes, core: number): number {
  const a = before[core];
  const b = after[core];
  if (!a || !b || b.total <= a.total) return Number.NaN;
  return (b.busy - a.busy) / (b.total - a.total);
}
