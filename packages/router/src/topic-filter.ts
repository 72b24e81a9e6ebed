import { compilePattern, type TopicMatcher } from '@switchboard/protocol';
import { SubscriptionIndex } from './subscription-index.ts';

/** Above this many patterns a trie beats testing each pattern in turn. */
const TRIE_THRESHOLD = 8;

/**
 * A predicate for "the topic matches any of these patterns", built once per history read.
 * History holds many entries per topic, so answers are cached per topic for the life of
 * the filter (bounded by the distinct topics the caller feeds it).
 */
export function createTopicFilter(patterns: readonly string[]): TopicMatcher {
  if (patterns.length === 0) return () => false;
  if (patterns.includes('#')) return () => true;
  let test: TopicMatcher;
  if (patterns.length === 1) {
    test = compilePattern(patterns[0]!);
  } else if (patterns.length <= TRIE_THRESHOLD) {
    const matchers = patterns.map(compilePattern);
    test = (topic) => matchers.some((m) => m(topic));
  } else {
    const index = new SubscriptionIndex<true>();
    for (const pattern of patterns) index.add(pattern, true);
    test = (topic) => index.hasMatch(topic);
  }
  const cache = new Map<string, boolean>();
  return (topic) => {
    let hit = cache.get(topic);
    if (hit === undefined) {
      hit = test(topic);
      cache.set(topic, hit);
    }
    return hit;
  };
}
