import { SegmentId, Timestamp } from '@switchboard/channels-core';
import { z } from 'zod';
import { AgentId, LogStreamName } from './schemas.ts';

/**
 * A command's life on `agent.<agentId>.term.<commandId>`: one `start`, any number of `output`
 * batches, one `exit`. `seq` counts the command's events from 1, gap-free as the agent sent
 * them, so a follower sees at once whether it missed one. The caller's stream carries the
 * very same events.
 */

export const CommandId = SegmentId.meta({ description: 'One topic segment, e.g. "c-12ab".' });

export const CommandStatus = z.enum(['completed', 'failed', 'interrupted']);

/** One piece of output as the command wrote it. */
export const TerminalChunk = z.object({ stream: LogStreamName, text: z.string() });

const common = {
  agentId: AgentId,
  commandId: CommandId,
  seq: z.number().int().min(1),
  at: Timestamp,
};

export const CommandStartEvent = z.looseObject({
  ...common,
  type: z.literal('start'),
  command: z.string(),
  args: z.array(z.string()).optional(),
  /** The caller's principal id, when it had one. */
  caller: z.string().optional(),
});

export const CommandOutputEvent = z.looseObject({
  ...common,
  type: z.literal('output'),
  chunks: z.array(TerminalChunk).min(1),
  /** Output characters dropped just before this batch (the agent's buffer was full). */
  dropped: z.number().int().nonnegative(),
});

export const CommandExitEvent = z.looseObject({
  ...common,
  type: z.literal('exit'),
  status: CommandStatus,
  exitCode: z.number().int().nullable(),
  /** Why it failed or who interrupted it. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Output characters dropped over the whole command. */
  dropped: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
});

/** `agent.<agentId>.term.<commandId>` */
export const TerminalEvent = z.discriminatedUnion('type', [
  CommandStartEvent,
  CommandOutputEvent,
  CommandExitEvent,
]);

export type CommandStatus = z.infer<typeof CommandStatus>;
export type TerminalChunk = z.infer<typeof TerminalChunk>;
export type CommandStartEvent = z.infer<typeof CommandStartEvent>;
export type CommandOutputEvent = z.infer<typeof CommandOutputEvent>;
export type CommandExitEvent = z.infer<typeof CommandExitEvent>;
export type TerminalEvent = z.infer<typeof TerminalEvent>;

/** What a caller sends to `agent.<agentId>.exec` (the seed's `command:request`). */
export const CommandRequest = z.object({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  /** Chosen by the caller so it can follow the topic at once; the agent refuses a reused one. */
  commandId: CommandId,
});
export type CommandRequest = z.infer<typeof CommandRequest>;

/** What a caller sends to `agent.<agentId>.interrupt` (the seed's `command:interrupt`). */
export const InterruptRequest = z.object({ commandId: CommandId });
export type InterruptRequest = z.infer<typeof InterruptRequest>;
