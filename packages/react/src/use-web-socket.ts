import type { OutgoingFrame, PublishOptions, PublishResult } from '@switchboard/client';
import { checkType } from '@switchboard/protocol';
import { useCallback, useEffect, useRef } from 'react';
import { useSwitchboard } from './provider.tsx';
import type { TopicEvent } from './topic-view.ts';
import { useConnectionStatus } from './use-connection-status.ts';
import { parseTopicOptions, type UseTopicOptions, useTopicView } from './use-topic.ts';

export interface UseWebSocketOptions<T> extends UseTopicOptions {
  /** Topic patterns to subscribe to (the older API called them channels). @default [] */
  channels?: string | readonly string[];
  /** Called once for every event of `channels`; the latest function is used. */
  onEvent?: (event: TopicEvent<T>) => void;
}

/**
 * `send(topic, data, options?)` publishes (resolves once the hub stored it);
 * `send(frame)` sends a raw frame fire-and-forget, returning false when it was dropped.
 */
export interface SendFunction {
  (topic: string, data: unknown, options?: PublishOptions): Promise<PublishResult>;
  (frame: OutgoingFrame): boolean;
}

export interface UseWebSocketResult<T> {
  connected: boolean;
  /** The newest event of `channels`. */
  lastMessage: TopicEvent<T> | undefined;
  /** The last `limit` events of `channels` (empty unless `limit` is given). */
  messages: readonly TopicEvent<T>[];
  send: SendFunction;
}

/**
 * The dashboard hook of the older API on the shared client: subscribes to `channels`
 * (shared and counted like `useTopic`), reports events to `onEvent` and exposes the last one.
 */
export function useWebSocket<T = unknown>(
  options: UseWebSocketOptions<T> = {},
): UseWebSocketResult<T> {
  const { channels = [], onEvent } = options;
  const parsed = parseTopicOptions('useWebSocket', channels, options, ['channels', 'onEvent']);
  checkType('useWebSocket', 'onEvent', onEvent, 'function');
  const client = useSwitchboard();
  const { view, snapshot } = useTopicView<T>(parsed);
  const { state } = useConnectionStatus();
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);
  useEffect(() => view.onEvent((event) => handler.current?.(event)), [view]);

  const send = useCallback(
    ((topicOrFrame: string | OutgoingFrame, data?: unknown, publish?: PublishOptions) =>
      typeof topicOrFrame === 'string'
        ? client.publish(topicOrFrame, data, publish)
        : client.send(topicOrFrame)) as SendFunction,
    [client],
  );
  return {
    connected: state === 'connected',
    lastMessage: snapshot.latest,
    messages: snapshot.events,
    send,
  };
}
