import type { WSClient } from '@switchboard/client';

/**
 * Counts events per topic seen by a `#` subscription, for `monitor --topics`: the hub's
 * `/stats` has no per-topic figures, so the monitor watches the traffic itself (and costs
 * the hub one more delivery per event).
 */
export class BusiestTopics {
  #counts = new Map<string, number>();

  constructor(client: WSClient) {
    client.on('event', (event) => {
      this.#counts.set(event.topic, (this.#counts.get(event.topic) ?? 0) + 1);
    });
  }

  /** The `limit` busiest topics since the last call, with events per second; then resets. */
  take(limit: number, seconds: number): { topic: string; perSecond: number }[] {
    const top = [...this.#counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([topic, count]) => ({ topic, perSecond: count / Math.max(seconds, 1e-3) }));
    this.#counts.clear();
    return top;
  }
}
