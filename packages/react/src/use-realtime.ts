import type { SwitchboardError } from '@switchboard/client';
import { assertTopic, checkKnownOptions, checkType } from '@switchboard/protocol';
import { useMemo } from 'react';
import type { TopicEvent } from './topic-view.ts';
import { useConnectionStatus } from './use-connection-status.ts';
import { parseTopicOptions, type UseTopicOptions, useTopicView } from './use-topic.ts';

/** The hub's metrics topic: a KPI snapshot published there every few seconds. */
export const DEFAULT_METRICS_TOPIC = '$metrics';

export interface UseRealtimeMetricsOptions {
  /** @default '$metrics' */
  topic?: string;
}

export interface RealtimeMetrics<M> {
  /** The latest snapshot (the retained one at first), undefined before any. */
  metrics: M | undefined;
  /** When the hub stored that snapshot (ms since 1970). */
  updatedAt: number | undefined;
  connected: boolean;
  error: SwitchboardError | undefined;
}

/** The hub's KPI snapshots, starting from the retained last one. */
export function useRealtimeMetrics<M = Record<string, unknown>>(
  options: UseRealtimeMetricsOptions = {},
): RealtimeMetrics<M> {
  checkKnownOptions('useRealtimeMetrics', options, ['topic']);
  const { topic = DEFAULT_METRICS_TOPIC } = options;
  assertTopic(topic);
  const parsed = parseTopicOptions('useRealtimeMetrics', topic, { since: 'last' });
  const { snapshot } = useTopicView<M>(parsed);
  const { state } = useConnectionStatus();
  return {
    metrics: snapshot.latest?.data,
    updatedAt: snapshot.latest?.timestamp,
    connected: state === 'connected',
    error: snapshot.error,
  };
}

export interface UseRealtimeEventsOptions<T> extends UseTopicOptions {
  /**
   * Which of the kept events to show; applied when rendering, so a new filter applies to
   * the events already kept. `limit` counts the events before filtering.
   */
  filter?: (event: TopicEvent<T>) => boolean;
}

export interface RealtimeEvents<T> {
  /** The kept events that pass `filter`, oldest first. */
  events: readonly TopicEvent<T>[];
  /** How many events are kept before filtering. */
  total: number;
  connected: boolean;
  error: SwitchboardError | undefined;
  /** Forgets the events kept so far. */
  clear(): void;
}

/** A bounded, filterable list of recent events: a live event stream page. */
export function useRealtimeEvents<T = unknown>(
  patterns: string | readonly string[],
  options: UseRealtimeEventsOptions<T> = {},
): RealtimeEvents<T> {
  const parsed = parseTopicOptions('useRealtimeEvents', patterns, options, ['filter'], 100);
  const { filter } = options;
  checkType('useRealtimeEvents', 'filter', filter, 'function');
  const { view, snapshot } = useTopicView<T>(parsed);
  const { state } = useConnectionStatus();
  const all = snapshot.events;
  const events = useMemo(() => (filter === undefined ? all : all.filter(filter)), [all, filter]);
  return {
    events,
    total: all.length,
    connected: state === 'connected',
    error: snapshot.error,
    clear: view.clear,
  };
}
