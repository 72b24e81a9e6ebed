import fc from 'fast-check';

/**
 * Oracle for property tests: a direct transcription of the RabbitMQ rules by plain recursion,
 * kept deliberately naive (exponential on long runs of `#`, which the generators keep short)
 * and sharing no code with the router.
 */
export function referenceMatches(pattern: string, topic: string): boolean {
  return go(pattern.split('.'), 0, topic.split('.'), 0);
}

function go(p: string[], i: number, t: string[], j: number): boolean {
  if (i === p.length) return j === t.length;
  const token = p[i];
  if (token === '#') {
    // Zero segments, or swallow one more and stay on the `#`.
    return go(p, i + 1, t, j) || (j < t.length && go(p, i, t, j + 1));
  }
  if (j === t.length) return false;
  if (token === '*' || token === t[j]) return go(p, i + 1, t, j + 1);
  return false;
}

/** Topics over a three-letter alphabet, so segments repeat and patterns often hit. */
export const topicArb = fc
  .array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 6 })
  .map((s) => s.join('.'));

/** Patterns over the same alphabet plus wildcards: runs of `#` and `*` are common. */
export const patternArb = fc
  .array(fc.constantFrom('a', 'b', 'c', '*', '#', '#'), { minLength: 1, maxLength: 7 })
  .map((s) => s.join('.'));
