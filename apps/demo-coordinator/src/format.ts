/** Wording shared by the terminal and the dashboard (no Node or DOM here: both bundle it). */

export function formatTally(tally: Record<string, number>): string {
  const parts = Object.entries(tally).map(([choice, count]) => `${choice} ${count}`);
  return parts.length > 0 ? `(${parts.join(', ')})` : '';
}

/** The consensus channel's `reason`, in words. */
export function describeReason(reason: unknown): string {
  switch (reason) {
    case 'quorum':
      return 'decided when the quorum was reached';
    case 'all-voted':
      return 'decided when everybody had voted';
    case 'deadline':
      return 'the deadline passed';
    default:
      return typeof reason === 'string' ? reason : 'no reason given';
  }
}
