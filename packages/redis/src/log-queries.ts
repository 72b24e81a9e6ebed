import { assertPattern, compilePattern, isWildcardPattern } from '@switchboard/protocol';
import type { LogEntry, ReadOutcome, ReadRequest } from '@switchboard/router';
import type Redis from 'ioredis';
import { decodeEntry } from './codec.ts';
import {
  type LogScripts,
  offsetOf,
  type RawEntry,
  rawValueOf,
  type Settled,
  tagOf,
} from './scripts.ts';

/** Entries (or topics) fetched per round trip. */
const CHUNK = 1_000;

/** What the queries need from the engine. */
export interface QueryHost {
  readonly scripts: LogScripts;
  /** The epoch this node delivers in: answers about another log are not given as this one's. */
  epoch(): string;
  /** Runs a command on the command link with the run id the node checked the log under. */
  command<T>(call: (client: Redis, run: string) => Promise<T>): Promise<T>;
  /** A script found the log in another epoch than `epoch()`. */
  otherEpoch(): void;
  settled(settled: Settled, epoch: string, head?: number): void;
}

/**
 * `Engine.read`. Patterns are matched here, not in Redis, so a long scan never blocks the
 * server: the first chunk comes with the bounds applied and the log's head in one script,
 * later chunks by XRANGE up to that head. Offsets in the stream have no holes, so a chunk
 * that does not start where the last ended shows entries trimmed meanwhile: not complete.
 */
export async function readLog(host: QueryHost, request: ReadRequest): Promise<ReadOutcome> {
  const { after, patterns, limit } = request;
  nonNegativeInteger(after, 'read: after');
  nonNegativeInteger(limit, 'read: limit');
  for (const pattern of patterns) assertPattern(pattern);
  const matchers = patterns.map(compilePattern);
  const matches = (topic: string) => matchers.some((match) => match(topic));
  const first = await host.command((client, run) => host.scripts.read(client, run, after, CHUNK));
  host.settled(first, first.epoch, first.head);
  const { head, tag } = first;
  if (first.epoch !== host.epoch()) {
    host.otherEpoch();
    return { entries: [], complete: false, truncated: false, head };
  }
  const epoch = first.epoch;
  let complete = after <= head && after >= first.firstHeld - 1;
  const entries: LogEntry[] = [];
  let truncated = false;
  let expected = Math.max(after + 1, first.firstHeld);
  let batch: RawEntry[] = first.entries;
  scan: while (batch.length > 0) {
    for (const raw of batch) {
      const offset = offsetOf(raw[0]);
      if (tagOf(raw[0]) !== tag) {
        complete = false;
        break scan;
      }
      if (offset !== expected) complete = false;
      expected = offset + 1;
      const value = rawValueOf(raw);
      if (!matches(value.topic)) continue;
      if (entries.length === limit) {
        truncated = true;
        break scan;
      }
      entries.push(decodeEntry(value, epoch));
    }
    if (batch.length < CHUNK || expected > head) break;
    const from = expected;
    batch = (await host.command((client) =>
      client.xrange(streamKey(host), String(from), String(head), 'COUNT', CHUNK),
    )) as RawEntry[];
    if (batch.length === 0) complete = false;
  }
  return { entries, complete, truncated, head };
}

/**
 * `Engine.lastValues`. A topic (no wildcard) is one lookup; a pattern scans the topics from
 * the most recently updated, matching here, until `limit` matched.
 */
export async function lastValues(host: QueryHost, pattern: string, limit: number) {
  assertPattern(pattern);
  nonNegativeInteger(limit, 'lastValues: limit');
  if (limit === 0) return [];
  const topics = isWildcardPattern(pattern) ? await scanTopics(host, pattern, limit) : [pattern];
  if (topics.length === 0) return [];
  const reply = await host.command((client, run) => host.scripts.values(client, run, topics));
  host.settled(reply, reply.epoch);
  if (reply.epoch !== host.epoch()) {
    host.otherEpoch();
    return [];
  }
  return reply.values
    .map((value) => decodeEntry(value, reply.epoch))
    .sort((a, b) => a.offset - b.offset);
}

async function scanTopics(host: QueryHost, pattern: string, limit: number): Promise<string[]> {
  const match = compilePattern(pattern);
  const key = host.scripts.keys[4]!;
  const found: string[] = [];
  for (let start = 0; found.length < limit; start += CHUNK) {
    const chunk = await host.command((client) => client.zrevrange(key, start, start + CHUNK - 1));
    for (const topic of chunk) {
      if (match(topic)) found.push(topic);
      if (found.length === limit) break;
    }
    if (chunk.length < CHUNK) break;
  }
  return found;
}

function streamKey(host: QueryHost): string {
  return host.scripts.keys[0]!;
}

function nonNegativeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}
