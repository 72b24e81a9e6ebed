import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's package installs it here; elsewhere it is looked up on PATH. */
const DEBIAN_PATH = '/usr/sbin/nats-server';

export type NatsBinary = { path: string } | { missing: string };

let found: NatsBinary | undefined;

function lookup(): string | undefined {
  if (existsSync(DEBIAN_PATH)) return DEBIAN_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The `nats-server` binary: Debian's package, or on PATH; when missing and we are root with
 * apt, `apt-get install -y nats-server` once. Otherwise the reason NATS is skipped, which the
 * scenarios print and put in their notes (never a silent skip).
 */
export function natsServerBinary(log: (line: string) => void = () => {}): NatsBinary {
  if (found) return found;
  const chosen = process.env.BENCH_NATS_SERVER;
  if (chosen) {
    // Another build (BENCH_NATS_SERVER=/path/to/nats-server): used as is, never installed.
    found = existsSync(chosen)
      ? { path: chosen }
      : { missing: `BENCH_NATS_SERVER=${chosen} does not exist; NATS rows skipped` };
    return found;
  }
  let path = lookup();
  if (!path && process.getuid?.() === 0 && hasCommand('apt-get')) {
    log('nats-server not found; running apt-get install -y nats-server');
    try {
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'nats-server'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 300_000,
      });
    } catch (error) {
      log(`apt-get install nats-server failed: ${String(error).split('\n')[0]}`);
    }
    path = lookup();
  }
  found = path
    ? { path }
    : {
        missing:
          'nats-server not found (Debian: apt-get install nats-server, as root; or put it on PATH); NATS rows skipped',
      };
  return found;
}

/**
 * `targets` without NATS when its binary is missing, with the reason printed once per
 * scenario and returned for the scenario's notes.
 */
export function withoutMissingNats<T extends string>(
  targets: readonly T[],
  log: (line: string) => void,
): { targets: T[]; notes: string[] } {
  if (!targets.includes('nats' as T)) return { targets: [...targets], notes: [] };
  const binary = natsServerBinary(log);
  if ('path' in binary) return { targets: [...targets], notes: [] };
  log(`skipping NATS: ${binary.missing}`);
  return {
    targets: targets.filter((t) => t !== 'nats'),
    notes: [`SKIPPED NATS: ${binary.missing}`],
  };
}
