import { randomInt, randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { KEY_COUNT, SCRIPTS, type ScriptName } from './lua.ts';
import type { ResolvedRedisEngineOptions } from './options.ts';

/** The keys of one log, in the order the scripts take them; one hash slot (`{prefix}`). */
export function logKeys(prefix: string): string[] {
  return ['log', 'meta', 'dedupe', 'seq', 'topics', 'retained', 'pruned'].map(
    (name) => `{${prefix}}:${name}`,
  );
}

/** The raw fields of a stream entry, as XRANGE and XREAD return them. */
export type RawEntry = [id: string, fields: string[]];

/** The log as a script found it. */
export interface LogState {
  epoch: string;
  /** The second part of every stream id of this epoch. */
  tag: string;
  /** Newest offset. */
  head: number;
}

export type AdoptOutcome = 'same' | 'kept' | 'created' | 'reset';

/** What the bounds left, reported by every script that applies them. */
export interface Settled {
  held: number;
  topics: number;
  pruned: number;
  /** Key, topic and payload bytes of the entries in history. */
  historyBytes: number;
  /** Topic and stored value bytes of the last values kept past history. */
  retainedBytes: number;
}

/** The `Settled` fields of a reply: held, topics, pruned at `at`, the two byte counts at `bytesAt`. */
function settledAt(r: unknown[], at: number, bytesAt: number): Settled {
  return {
    held: Number(r[at]),
    topics: Number(r[at + 1]),
    pruned: Number(r[at + 2]),
    historyBytes: Number(r[bytesAt]),
    retainedBytes: Number(r[bytesAt + 1]),
  };
}

export type AppendReply = Settled & { epoch: string } & (
    | { duplicate: false; offset: number; sequenceNumber: number }
    | { duplicate: true; original: RawValue }
  );

/** One stored entry as the scripts hand it back: enough to rebuild the `LogEntry`. */
export interface RawValue {
  topic: string;
  offset: number;
  sequenceNumber: number;
  payload: string;
}

export interface ReadReply extends Settled, LogState {
  firstHeld: number;
  entries: RawEntry[];
}

export interface ValuesReply extends Settled {
  epoch: string;
  values: RawValue[];
}

type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

/** Registers the scripts on a connection; ioredis runs them by SHA and loads them when missing. */
export function defineScripts(client: Redis): void {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    client.defineCommand(name, { numberOfKeys: KEY_COUNT, lua });
  }
}

/** Calls the scripts for one log with the arguments every script shares. */
export class LogScripts {
  readonly keys: string[];
  readonly #o: ResolvedRedisEngineOptions;

  constructor(options: ResolvedRedisEngineOptions) {
    this.#o = options;
    this.keys = logKeys(options.keyPrefix);
  }

  async append(client: Redis, run: string, key: string, topic: string, payload: string) {
    const r = (await this.#call(client, 'sbAppend', run, [key, topic, payload])) as unknown[];
    if (r[0] === 'dup') {
      const original = rawValue(String(r[5]), offsetOf(String(r[2])), r[3], String(r[4]));
      const settled = settledAt(r, 6, 9);
      return { duplicate: true, epoch: String(r[1]), original, ...settled } as AppendReply;
    }
    const [, epoch, offset, sequenceNumber] = r;
    return {
      duplicate: false,
      epoch: String(epoch),
      offset: Number(offset),
      sequenceNumber: Number(sequenceNumber),
      ...settledAt(r, 4, 7),
    } as AppendReply;
  }

  async read(client: Redis, run: string, after: number, count: number): Promise<ReadReply> {
    const r = (await this.#call(client, 'sbRead', run, [after, count])) as unknown[];
    return {
      epoch: String(r[0]),
      tag: String(r[1]),
      head: Number(r[2]),
      firstHeld: Number(r[3]),
      ...settledAt(r, 4, 8),
      entries: r[7] as RawEntry[],
    };
  }

  async values(client: Redis, run: string, topics: readonly string[]): Promise<ValuesReply> {
    const r = (await this.#call(client, 'sbValues', run, topics)) as unknown[];
    const values = (r[4] as unknown[][]).map(([topic, offset, seq, payload]) =>
      rawValue(String(topic), Number(offset), seq, String(payload)),
    );
    return { epoch: String(r[0]), ...settledAt(r, 1, 5), values };
  }

  async peek(client: Redis, run: string): Promise<LogState> {
    const r = (await this.#call(client, 'sbPeek', run, [])) as unknown[];
    return { epoch: String(r[0]), tag: String(r[1]), head: Number(r[2]) };
  }

  async adopt(
    client: Redis,
    run: string,
    trusted: boolean,
    known: { epoch: string; offset: number } | undefined,
  ): Promise<LogState & { outcome: AdoptOutcome }> {
    const args = [trusted ? '1' : '0', known?.epoch ?? '', known?.offset ?? 0];
    const r = (await this.#call(client, 'sbAdopt', run, args)) as unknown[];
    return {
      epoch: String(r[0]),
      tag: String(r[1]),
      head: Number(r[2]),
      outcome: String(r[3]) as AdoptOutcome,
    };
  }

  #call(client: Redis, name: ScriptName, run: string, args: readonly (string | number)[]) {
    const o = this.#o;
    const call = (client as unknown as Record<ScriptName, ScriptCall>)[name].bind(client);
    return call(
      ...this.keys,
      run,
      randomUUID(),
      String(randomInt(1, 2 ** 47)),
      o.now(),
      o.historySize,
      finiteOr(o.historyTtlMs, -1),
      finiteOr(o.historyBytes, -1),
      o.maxRetainedTopics,
      o.prunedTopicsFilterBytes * 8,
      finiteOr(o.retainedBytes, -1),
      ...args,
    );
  }
}

/** The offset in a stream id `<offset>-<tag>`. */
export function offsetOf(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** The tag in a stream id `<offset>-<tag>`. */
export function tagOf(id: string): string {
  return id.slice(id.indexOf('-') + 1);
}

/** The stream entry's topic, sequence number and payload (fields k a t s e, in that order). */
export function rawValueOf([id, fields]: RawEntry): RawValue {
  return rawValue(fields[5]!, offsetOf(id), fields[7], fields[9]!);
}

function rawValue(topic: string, offset: number, seq: unknown, payload: string): RawValue {
  return { topic, offset, sequenceNumber: Number(seq), payload };
}

/** True when an error is the scripts' refusal to touch a log under an unchecked server. */
export function isStale(error: unknown): boolean {
  return error instanceof Error && error.message.includes('SBSTALE');
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}
