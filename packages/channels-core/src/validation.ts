import { checkTopic, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { z } from 'zod';

/** Why `value` cannot be one topic segment, or undefined when it can. */
export function segmentProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  if (value.includes('.')) return 'must be a single topic segment (no ".")';
  const check = checkTopic(value);
  return check.ok ? undefined : check.reason.replace(/^topic segment 1/, 'segment');
}

/** Throws INVALID_TOPIC naming `field` unless `value` is usable as one topic segment. */
export function assertSegment(value: unknown, field: string): asserts value is string {
  const problem = segmentProblem(value);
  if (problem !== undefined) {
    throw new SwitchboardError(
      ErrorCode.INVALID_TOPIC,
      `Invalid ${field} ${JSON.stringify(value) ?? String(value)}: ${problem}`,
      { details: { field } },
    );
  }
}

/**
 * Joins checked segments into a topic. The whole topic is checked again because its length
 * limit (255 bytes) can be exceeded by ids that are fine one by one; `field` names the id
 * to blame.
 */
export function joinTopic(segments: readonly string[], field: string): string {
  const topic = segments.join('.');
  const check = checkTopic(topic);
  if (!check.ok) {
    throw new SwitchboardError(ErrorCode.INVALID_TOPIC, `Invalid ${field}: ${check.reason}`, {
      details: { field },
    });
  }
  return topic;
}

/** A zod string that must be a single topic segment (an agent, task, swarm or proposal id). */
export const SegmentId = z.string().superRefine((value, context) => {
  const problem = segmentProblem(value);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});

/** A millisecond timestamp. */
export const Timestamp = z.number().nonnegative();

/**
 * Parses a payload; throws INVALID_MESSAGE whose `details.field` is the path of the first
 * bad field (`status`, `lines.3.seq`), or `payload` when the value is not an object at all.
 */
export function parsePayload<S extends z.ZodType>(
  schema: S,
  data: unknown,
  what: string,
  topic?: string,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // A strict schema refusing a field: name the field, not the object holding it.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = path.length > 0 ? path.map(String).join('.') : 'payload';
  throw new SwitchboardError(
    ErrorCode.INVALID_MESSAGE,
    `Invalid ${what}${topic === undefined ? '' : ` on "${topic}"`}: ${field}: ${issue.message}`,
    { details: topic === undefined ? { field } : { field, topic } },
  );
}

/** INVALID_MESSAGE for a payload whose id disagrees with the topic it came on. */
export function mismatch(field: string, value: string, topic: string): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.INVALID_MESSAGE,
    `Invalid event on "${topic}": ${field} ${JSON.stringify(value)} does not match the topic`,
    { details: { field, topic } },
  );
}
