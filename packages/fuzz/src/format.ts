import type { SoakReport } from './soak.ts';

const MiB = 1_048_576;

/** The soak's figures as the lines `pnpm fuzz` prints. */
export function formatReport(r: SoakReport): string {
  const w = r.wellBehaved;
  const closes = Object.entries(r.closes)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  const errors = Object.entries(r.errorCodes)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  return [
    `seed                 ${r.seed}`,
    `frames sent          ${r.frames} in ${(r.durationMs / 1_000).toFixed(1)} s (${r.framesPerSecond} frames/s) over ${r.connections} connections`,
    `crashes              ${r.crashes}${r.crashes ? ` (${JSON.stringify(r.hubExit)})` : ''}`,
    `answers owed         ${r.expected}: answered ${r.answered}, by a documented close ${r.answeredByClose}, unanswered ${r.unanswered}`,
    ...r.unansweredExamples.map((e) => `  unanswered: ${e}`),
    `stalled fences       ${r.stalls}`,
    `leaked deliveries    ${r.leaks}`,
    ...r.leakExamples.map((e) => `  leak: ${e}`),
    `connections          ${r.connectionsOpened} opened, ${r.upgradesFailed} upgrades failed`,
    `closes               ${closes}`,
    `error codes          ${errors}`,
    `hub heap peak        ${(r.heapPeakBytes / MiB).toFixed(1)} MiB (rss peak ${(r.rssPeakBytes / MiB).toFixed(1)} MiB)`,
    `hub loop delay       p99 ${r.hubLoopDelayP99Ms} ms, max ${r.hubLoopDelayMaxMs} ms`,
    `hub error events     ${r.hubErrors}`,
    ...r.hubErrorExamples.map((e) => `  hub error: ${e.split('\n')[0]}`),
    `well-behaved         ${w.published} published, ${w.acked} acked, ${w.refused} refused, ${w.received} received, ${w.orderViolations} out of order, ${w.missing} missing, ${w.dropped} dropped`,
    `well-behaved pings   ${w.pings} sent, ${w.pingsUnanswered} unanswered, rtt p99 ${w.pingRttP99Ms} ms, max ${w.pingRttMaxMs} ms`,
    `result               ${r.ok ? 'PASS' : 'FAIL'}`,
  ].join('\n');
}
