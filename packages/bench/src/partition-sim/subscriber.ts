import { matches } from '@switchboard/protocol';
import type { Entry, Partition, Position } from './log.ts';

/** What a resume found for one partition it had read. */
export interface Resync {
  partition: number;
  reason: 'epoch-changed';
}

/**
 * A subscriber of the model: wildcard patterns over every partition, a vector position, and
 * the resume of docs/scaling.md (per partition: replay after its offset, or say it cannot).
 */
export class SimSubscriber {
  readonly position: Position = new Map();
  readonly received: Entry[] = [];
  readonly resyncs: Resync[] = [];
  online = true;

  /** Subscribes at the current head of every partition. */
  constructor(
    readonly patterns: readonly string[],
    partitions: readonly Partition[],
  ) {
    for (const p of partitions) {
      this.position.set(p.index, { epoch: p.epoch, offset: p.entries.length });
    }
  }

  /** Partitions a resume must read: one for an exact topic, all of them for a wildcard. */
  partitionsToRead(count: number, partitionOf: (topic: string) => number): Set<number> {
    const read = new Set<number>();
    for (const pattern of this.patterns) {
      if (/[*#]/.test(pattern)) return new Set(Array.from({ length: count }, (_, i) => i));
      read.add(partitionOf(pattern));
    }
    return read;
  }

  wants(topic: string): boolean {
    return this.patterns.some((pattern) => matches(pattern, topic));
  }

  /** A live entry; missed while offline. */
  live(entry: Entry): void {
    if (this.online && this.wants(entry.topic)) this.take(entry);
  }

  /** Reconnect: each partition it reads replays from this subscriber's offset there. */
  resume(partitions: readonly Partition[], read: ReadonlySet<number>): void {
    this.online = true;
    for (const partition of partitions) {
      if (!read.has(partition.index)) continue;
      const at = this.position.get(partition.index)!;
      const replay = partition.after(at.epoch, at.offset);
      if (replay === undefined) {
        this.resyncs.push({ partition: partition.index, reason: 'epoch-changed' });
        this.position.set(partition.index, {
          epoch: partition.epoch,
          offset: partition.entries.length,
        });
        continue;
      }
      for (const entry of replay) if (this.wants(entry.topic)) this.take(entry);
      this.position.set(partition.index, {
        epoch: partition.epoch,
        offset: partition.entries.length,
      });
    }
  }

  private take(entry: Entry): void {
    const at = this.position.get(entry.partition);
    if (at && at.epoch === entry.epoch && entry.offset <= at.offset) return; // already had it
    if (at && at.epoch !== entry.epoch) {
      this.resyncs.push({ partition: entry.partition, reason: 'epoch-changed' });
    }
    this.position.set(entry.partition, { epoch: entry.epoch, offset: entry.offset });
    this.received.push(entry);
  }
}
