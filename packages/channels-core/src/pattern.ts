/**
 * RabbitMQ topic matching (`*` one segment, `#` zero or more), for the few patterns a channel
 * subscribes itself. The hub's router has the indexed matcher; a channel cannot import it.
 */
export function matchesPattern(pattern: string, topic: string): boolean {
  return match(pattern.split('.'), 0, topic.split('.'), 0);
}

function match(pattern: string[], i: number, topic: string[], j: number): boolean {
  while (i < pattern.length) {
    const segment = pattern[i]!;
    if (segment === '#') {
      if (i === pattern.length - 1) return true;
      for (let k = j; k <= topic.length; k++) if (match(pattern, i + 1, topic, k)) return true;
      return false;
    }
    if (j >= topic.length || (segment !== '*' && segment !== topic[j])) return false;
    i++;
    j++;
  }
  return j === topic.length;
}
