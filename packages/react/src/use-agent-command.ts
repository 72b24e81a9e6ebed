import {
  type CommandExitEvent,
  type CommandFollower,
  type CommandRun,
  type TerminalChunk,
  terminalTopic,
} from '@switchboard/channels-agent';
import { SwitchboardError } from '@switchboard/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { agentDirectory } from './agent-directory.ts';
import { useSwitchboard } from './provider.tsx';

export interface UseAgentCommandOptions {
  /** A command to follow from its start (e.g. one another dashboard started). */
  commandId?: string;
  /** Most characters of output kept; older output is cut off at the front. @default 200_000 */
  maxChars?: number;
}

export interface AgentCommand {
  /** The command followed now: the one given, or the last one `run` started. */
  commandId: string | undefined;
  /** The command line, from its start event. */
  command: string | undefined;
  /** Its output so far, stdout and stderr interleaved as written (the last `maxChars`). */
  chunks: readonly TerminalChunk[];
  /** The same output as one string. */
  text: string;
  /** True between its start and its exit. */
  running: boolean;
  exit: CommandExitEvent | undefined;
  /** The run or the follow failed (HANDLER_GONE when the agent died mid-command, ...). */
  error: SwitchboardError | undefined;
  /** Output events that never arrived: the hub's history no longer had them. */
  missed: number;
  /** Starts `command` on the agent and follows it; returns its id. */
  run(command: string, args?: string[]): string;
  /** Interrupts the command followed now (the one `run` started, or any other by id). */
  interrupt(): void;
}

interface View {
  commandId: string | undefined;
  command: string | undefined;
  chunks: TerminalChunk[];
  chars: number;
  running: boolean;
  exit: CommandExitEvent | undefined;
  error: SwitchboardError | undefined;
  missed: number;
}

const fresh = (commandId: string | undefined): View => ({
  commandId,
  command: undefined,
  chunks: [],
  chars: 0,
  running: false,
  exit: undefined,
  error: undefined,
  missed: 0,
});

/**
 * Runs commands on one agent and follows a command's output through the hub's log, from its
 * start: every dashboard that follows the same command shows the same output, however late
 * it opened, and a reconnect resumes it with no gap. StrictMode-safe: the follow starts
 * after the effects have settled, so a double-invoked effect subscribes once.
 */
export function useAgentCommand(
  agentId: string,
  options: UseAgentCommandOptions = {},
): AgentCommand {
  const { maxChars = 200_000 } = options;
  // A bad id throws INVALID_TOPIC here, not later in an effect.
  if (options.commandId !== undefined) terminalTopic(agentId, options.commandId);
  const directory = agentDirectory(useSwitchboard());
  const [started, setStarted] = useState<string | undefined>(undefined);
  const commandId = started ?? options.commandId;
  const [view, setView] = useState<View>(() => fresh(commandId));
  const runs = useRef(new Map<string, CommandRun>());

  useEffect(() => {
    setView(fresh(commandId));
    if (commandId === undefined) return;
    let follower: CommandFollower | undefined;
    let cancelled = false;
    const update = (change: (view: View) => View) => {
      if (!cancelled)
        setView((current) => (current.commandId === commandId ? change(current) : current));
    };
    // After this pass of effects: StrictMode's mount-unmount-mount subscribes once.
    const start = setTimeout(() => {
      follower = directory.channel.followCommand(agentId, commandId);
      follower.on('terminal', (event) => {
        update((current) => {
          if (event.type === 'start') return { ...current, command: event.command, running: true };
          if (event.type === 'exit') return { ...current, running: false, exit: event };
          const chunks = [...current.chunks, ...event.chunks];
          let chars = current.chars + event.chunks.reduce((n, chunk) => n + chunk.text.length, 0);
          while (chars > maxChars && chunks.length > 1) chars -= chunks.shift()!.text.length;
          return { ...current, chunks, chars, running: true };
        });
      });
      follower.on('gap', ({ from, to }) =>
        update((current) => ({ ...current, missed: current.missed + to - from + 1 })),
      );
      follower.on('error', (error) => update((current) => ({ ...current, error })));
      follower.ready.catch((error: unknown) =>
        update((current) => ({ ...current, error: SwitchboardError.from(error) })),
      );
    }, 0);
    return () => {
      cancelled = true;
      clearTimeout(start);
      void follower?.close().catch(() => undefined);
    };
  }, [directory, agentId, commandId, maxChars]);

  const run = useCallback(
    (command: string, args?: string[]) => {
      const started = directory.channel.runCommand(
        agentId,
        command,
        args === undefined ? {} : { args },
      );
      const id = started.commandId;
      runs.current.set(id, started);
      // The output is shown from the log; the call's own stream is read to its end.
      started
        .wait()
        .catch((error: unknown) =>
          setView((current) =>
            current.commandId === id
              ? { ...current, running: false, error: SwitchboardError.from(error) }
              : current,
          ),
        )
        .finally(() => runs.current.delete(id));
      setStarted(id);
      return id;
    },
    [directory, agentId],
  );

  const interrupt = useCallback(() => {
    if (commandId === undefined) return;
    const own = runs.current.get(commandId);
    if (own !== undefined) {
      own.interrupt();
      return;
    }
    directory.channel
      .interruptCommand(agentId, commandId)
      .catch((error: unknown) =>
        setView((current) =>
          current.commandId === commandId
            ? { ...current, error: SwitchboardError.from(error) }
            : current,
        ),
      );
  }, [directory, agentId, commandId]);

  const shown = view.commandId === commandId ? view : fresh(commandId);
  return {
    commandId,
    command: shown.command,
    chunks: shown.chunks,
    text: shown.chunks.map((chunk) => chunk.text).join(''),
    running: shown.running,
    exit: shown.exit,
    error: shown.error,
    missed: shown.missed,
    run,
    interrupt,
  };
}
