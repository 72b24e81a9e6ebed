import { readFileSync } from 'node:fs';
import { usageError } from '../exit-codes.ts';

/** How a client command trusts a `wss://` or `https://` hub. */
export interface TlsTrust {
  /** PEM of the certificate authorities to trust instead of Node's bundle. */
  ca?: string;
  /** Accept any certificate (self-signed development hubs). */
  rejectUnauthorized?: boolean;
}

/** `--ca <file>` and `--insecure`; with neither, Node's defaults (and `NODE_EXTRA_CA_CERTS`). */
export function tlsTrust(flags: { ca?: string; insecure?: boolean }): TlsTrust {
  const trust: TlsTrust = {};
  if (flags.ca !== undefined) {
    try {
      trust.ca = readFileSync(flags.ca, 'utf8');
    } catch (error) {
      throw usageError(`--ca: cannot read ${flags.ca}: ${(error as Error).message}`);
    }
  }
  if (flags.insecure) trust.rejectUnauthorized = false;
  return trust;
}
