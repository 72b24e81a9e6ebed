export interface CliOptions {
  quick: boolean;
  only: string[] | undefined;
  /** Update the results section of docs/performance.md (full runs of every scenario only). */
  docs: boolean;
  help: boolean;
  /** Fan-out and memory: only these targets (for profiling one server). */
  targets: string[] | undefined;
  /** Fan-out: these subscriber counts instead of the mode's. */
  subscribers: number[] | undefined;
  /** Many publishers: these publisher counts instead of the mode's. */
  publishers: number[] | undefined;
}

export const USAGE = `Usage: pnpm bench [-- --quick] [--only fanout,latency] [--no-docs]

  --quick        1k subscribers (slow consumers: 500), shorter windows, 2k idle connections
  --only <ids>   run only these scenarios (comma separated)
  --no-docs      do not update docs/performance.md after a full run
  --targets <ids>        fan-out, memory, many-publishers: only these servers (b0,b1,b2,socketio,switchboard,nats)
  --subscribers <list>   fan-out: these subscriber counts (e.g. 10000)
  --publishers <list>    many-publishers: these publisher counts (e.g. 1000)

  Profiling: BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" pnpm bench ...
  (BENCH_LOAD_NODE_FLAGS for the load processes)
`;

export function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = {
    quick: false,
    only: undefined,
    docs: true,
    help: false,
    targets: undefined,
    subscribers: undefined,
    publishers: undefined,
  };
  const list = (name: string, value: string | undefined): string[] => {
    if (!value) throw new TypeError(`--${name} needs a comma-separated list`);
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-docs') options.docs = false;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (/^--(only|targets|subscribers|publishers)(=|$)/.test(arg)) {
      const name = arg.slice(2).split('=')[0]!;
      const items = list(name, arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]);
      if (name === 'only') options.only = items;
      else if (name === 'targets') options.targets = items;
      else {
        const counts = items.map(Number);
        if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
          throw new TypeError(`--${name} needs positive integers, got "${items.join(',')}"`);
        }
        if (name === 'subscribers') options.subscribers = counts;
        else options.publishers = counts;
      }
    } else throw new TypeError(`Unknown argument "${arg}"\n\n${USAGE}`);
  }
  return options;
}
