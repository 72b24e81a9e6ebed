/**
 * The partitioned log of docs/scaling.md as a model: P independent logs (each standing for
 * one Redis), a topic's partition fixed by a hash of the topic, a position that is one
 * `{ epoch, offset }` per partition. Pure and in memory: what it checks is the semantics.
 */

export interface Entry {
  partition: number;
  epoch: string;
  offset: number;
  topic: string;
  id: string;
  sequenceNumber: number;
}

/** One `{ epoch, offset }` per partition read so far: the position of a partitioned stream. */
export type Position = Map<number, { epoch: string; offset: number }>;

/** FNV-1a, 32 bits: stable across processes and languages, cheap, spreads short keys. */
export function partitionOf(topic: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) {
    hash ^= topic.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/** One partition: an ordinary hub log (offsets, per-topic sequence numbers, dedupe, epoch). */
export class Partition {
  epoch: string;
  entries: Entry[] = [];
  appends = 0;
  private generation = 0;
  private readonly sequences = new Map<string, number>();
  private readonly byId = new Map<string, Entry>();

  constructor(readonly index: number) {
    this.epoch = `p${index}-e0`;
  }

  append(topic: string, id: string): { entry: Entry; duplicate: boolean } {
    const known = this.byId.get(id);
    if (known) return { entry: known, duplicate: true };
    this.appends += 1;
    const sequenceNumber = (this.sequences.get(topic) ?? 0) + 1;
    this.sequences.set(topic, sequenceNumber);
    const entry: Entry = {
      partition: this.index,
      epoch: this.epoch,
      offset: this.entries.length + 1,
      topic,
      id,
      sequenceNumber,
    };
    this.entries.push(entry);
    this.byId.set(id, entry);
    return { entry, duplicate: false };
  }

  /** Entries after `offset` in `epoch`; undefined when the epoch is not this log's. */
  after(epoch: string, offset: number): Entry[] | undefined {
    if (epoch !== this.epoch) return undefined;
    return this.entries.slice(offset);
  }

  /** Its Redis restarted without persistence: a new, empty log under a new epoch. */
  lose(): void {
    this.generation += 1;
    this.epoch = `p${this.index}-e${this.generation}`;
    this.entries = [];
    this.sequences.clear();
    this.byId.clear();
  }
}
