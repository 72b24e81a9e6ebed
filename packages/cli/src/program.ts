import { Command } from 'commander';
import { registerBench, registerBenchmark } from './commands/bench.ts';
import { registerConnect } from './commands/connect.ts';
import { registerMonitor } from './commands/monitor.ts';
import { registerPub } from './commands/pub.ts';
import { registerRequest } from './commands/request.ts';
import { registerSend } from './commands/send.ts';
import { registerServe } from './commands/serve.ts';
import { registerStatus } from './commands/status.ts';
import { registerSub } from './commands/sub.ts';
import { registerSupport } from './commands/support.ts';
import { registerTest } from './commands/test.ts';
import { registerToken } from './commands/token.ts';
import { CLI_VERSION } from './version.ts';

const EXIT_CODES = `
Exit codes:
  0  ok
  1  failure (anything else: a bench that delivered nothing, an unexpected error)
  2  usage or config error (bad flag, argument, config file or SWITCHBOARD_* variable)
  3  cannot connect, connection lost, or no answer in time
  4  refused by the hub (token, ACL, rate limit, protocol version)
  5  the hub answered with an error (NOT_FOUND, INVALID_TOPIC, a route handler's code...)

"switchboard websocket <command>" is the same as "switchboard <command>".`;

/** The whole command tree. Commands throw; main.ts turns errors into messages and exit codes. */
export function createProgram(): Command {
  const program = new Command('switchboard')
    .description(
      'Run and operate Switchboard hubs: serve, sub, pub, request, status, monitor, bench',
    )
    .version(CLI_VERSION, '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES);
  for (const register of [
    registerServe,
    registerSub,
    registerPub,
    registerRequest,
    registerStatus,
    registerMonitor,
    registerBench,
    registerBenchmark,
    registerToken,
    registerSupport,
    registerTest,
    registerConnect,
    registerSend,
  ]) {
    register(program);
  }
  return program;
}
