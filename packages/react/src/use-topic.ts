import { assertPattern, checkInteger, checkKnownOptions } from '@switchboard/protocol';
import { useMemo, useSyncExternalStore } from 'react';
import { useSwitchboard } from './provider.tsx';
import { type Since, topicRegistry } from './topic-registry.ts';
import { type TopicSnapshot, TopicView } from './topic-view.ts';

export interface UseTopicOptions {
  /**
   * Start from history: every retained event after this offset, or `'last'`, the last
   * event per topic. Sent to the hub by the component that makes the shared subscription;
   * a component joining it later gets the last event per topic it has seen.
   * @default undefined (live events only)
   */
  since?: Since;
  /**
   * How many of the latest events `events` keeps; 0 keeps only `latest`.
   * @default 0
   */
  limit?: number;
}

/** The largest `limit`: every event copies the list it keeps. */
export const MAX_TOPIC_LIMIT = 10_000;

export interface ParsedTopicOptions {
  patterns: string[];
  since: Since | undefined;
  limit: number;
}

/** Checks a hook's patterns and topic options; `known` lists the hook's own option names too. */
export function parseTopicOptions(
  owner: string,
  patterns: string | readonly string[],
  options: UseTopicOptions,
  known: readonly string[] = [],
  defaultLimit = 0,
): ParsedTopicOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${owner}: options must be an object`);
  }
  checkKnownOptions(owner, options, ['since', 'limit', ...known]);
  const { since, limit = defaultLimit } = options;
  if (since !== undefined && since !== 'last' && !(Number.isInteger(since) && since >= 0)) {
    throw new TypeError(`${owner} option "since" must be an offset >= 0 or "last"`);
  }
  checkInteger(owner, 'limit', limit, { min: 0, max: MAX_TOPIC_LIMIT });
  const list = typeof patterns === 'string' ? [patterns] : patterns;
  if (!Array.isArray(list)) {
    throw new TypeError(`${owner}: patterns must be a pattern or an array of patterns`);
  }
  for (const pattern of list) assertPattern(pattern);
  return { patterns: [...new Set(list)], since, limit };
}

/**
 * The store of one hook call: a new one when the patterns, `since` or `limit` change, kept
 * across renders otherwise. Subscribed (and its patterns held) only while mounted.
 */
export function useTopicView<T>(parsed: ParsedTopicOptions): {
  view: TopicView<T>;
  snapshot: TopicSnapshot<T>;
} {
  const registry = topicRegistry(useSwitchboard());
  // Patterns never contain spaces, so the joined list identifies them.
  const key = parsed.patterns.join(' ');
  const { since, limit } = parsed;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `parsed.patterns`, a new array on every render.
  const view = useMemo(
    () => new TopicView<T>(registry, { patterns: parsed.patterns, since, limit }),
    [registry, key, since, limit],
  );
  const snapshot = useSyncExternalStore(view.subscribe, view.getSnapshot, view.getServerSnapshot);
  return { view, snapshot };
}

/**
 * The latest event, and the last `limit` events, of one or more topic patterns. Components
 * using the same pattern on the same client share one hub subscription: the first one to
 * mount subscribes, the last one to unmount unsubscribes (StrictMode included).
 */
export function useTopic<T = unknown>(
  patterns: string | readonly string[],
  options: UseTopicOptions = {},
): TopicSnapshot<T> {
  return useTopicView<T>(parseTopicOptions('useTopic', patterns, options)).snapshot;
}
