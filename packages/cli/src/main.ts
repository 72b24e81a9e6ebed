#!/usr/bin/env node
import { CommanderError } from 'commander';
import { describeError, ExitCode, exitCodeFor } from './exit-codes.ts';
import { createProgram } from './program.ts';

/** The seed CLI's namespace: `switchboard websocket support` is `switchboard support`. */
const NAMESPACES = new Set(['websocket', 'ws']);

async function main(argv: string[]): Promise<number> {
  const args = NAMESPACES.has(argv[0] ?? '') ? argv.slice(1) : argv;
  const program = createProgram();
  // Throw instead of exiting, so usage errors get exit code 2 like config errors.
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(args, { from: 'user' });
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed the message (and the help) already.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    process.stderr.write(`switchboard: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

// A reader that goes away (`switchboard sub ... | head -1`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.OK);
  throw error;
});

const code = await main(process.argv.slice(2));
// Wait for stdout to flush before leaving: exit() would cut a piped write short.
process.stdout.write('', () => process.exit(code));
