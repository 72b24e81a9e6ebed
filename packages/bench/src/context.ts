import type { BenchConfig } from './config.ts';
import { progress } from './log.ts';

/**
 * What every scenario gets: the mode and its sizes, progress output, and `facts`, figures one
 * scenario measured that a later one may reuse (the latency scenario derives its rates from
 * B0's saturation measured by the fan-out scenario, or measures it itself when run alone).
 */
export class BenchContext {
  readonly facts = new Map<string, number>();

  constructor(
    readonly quick: boolean,
    readonly config: BenchConfig,
  ) {}

  progress(message: string): void {
    progress(message);
  }

  remember(key: string, value: number): void {
    this.facts.set(key, value);
  }

  recall(key: string): number | undefined {
    return this.facts.get(key);
  }
}
