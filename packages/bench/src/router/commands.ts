export interface RouterRun {
  subscriptions: number;
  buildMs: number;
  heapBytes: number;
  lookups: number;
  /** Average subscribers a topic matched. */
  matchedPerLookup: number;
  /** `forEachMatch` lookups per second (no Set built). */
  forEachMatchPerSec: number;
  /** `match` lookups per second (builds the Set of subscribers, as WSRouter's fan-out does). */
  matchPerSec: number;
}

export type RouterCommands = {
  run: { args: { sizes: number[]; lookups: number }; result: RouterRun[] };
};
