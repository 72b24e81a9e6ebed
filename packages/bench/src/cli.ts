export interface CliOptions {
  quick: boolean;
  only: string[] | undefined;
  /** Update the results section of docs/performance.md (full runs of every scenario only). */
  docs: boolean;
  help: boolean;
}

export const USAGE = `Usage: pnpm bench [-- --quick] [--only fanout,latency] [--no-docs]

  --quick        1k subscribers (slow consumers: 500), shorter windows, 2k idle connections
  --only <ids>   run only these scenarios (comma separated)
  --no-docs      do not update docs/performance.md after a full run
`;

export function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { quick: false, only: undefined, docs: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-docs') options.docs = false;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice('--only='.length) : argv[++i];
      if (!value) throw new TypeError('--only needs a comma-separated list of scenario ids');
      options.only = value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
    } else throw new TypeError(`Unknown argument "${arg}"\n\n${USAGE}`);
  }
  return options;
}
