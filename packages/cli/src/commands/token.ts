import { checkPattern } from '@switchboard/protocol';
import { type Command, Option } from 'commander';
import { SignJWT } from 'jose';
import { collectList } from '../arguments.ts';
import { usageError } from '../exit-codes.ts';
import { out } from '../output.ts';

/**
 * Claim names of the hub's JWT support: `sub` is the principal id, `sw.sub`, `sw.pub` and
 * `sw.req` the subscribe, publish and request patterns (top-level claims whose names contain
 * a dot). A token grants only what it lists.
 */
export const CLAIMS = { subscribe: 'sw.sub', publish: 'sw.pub', request: 'sw.req' } as const;

/** RFC 7518 3.2: an HS256 key at least as long as the hash (32 bytes). */
const MIN_SECRET_BYTES = 32;

interface TokenFlags {
  secret?: string;
  sub: string;
  subscribe?: string[];
  publish?: string[];
  request?: string[];
  expiresIn: string;
  issuer?: string;
  audience?: string;
  json?: boolean;
}

function checkPatterns(flag: string, patterns: string[] | undefined): void {
  for (const pattern of patterns ?? []) {
    const check = checkPattern(pattern);
    if (!check.ok) throw usageError(`--${flag} "${pattern}": ${check.reason}`);
  }
}

export function registerToken(program: Command): void {
  program
    .command('token')
    .description('mint a development JWT (HS256) with the principal and its ACL as claims')
    .addOption(
      new Option('--secret <secret>', `HS256 secret, ${MIN_SECRET_BYTES}+ bytes`).env(
        'SWITCHBOARD_JWT_SECRET',
      ),
    )
    .requiredOption('--sub <id>', 'principal id (the "sub" claim)')
    .option(
      '--subscribe <patterns>',
      `patterns it may subscribe to ("${CLAIMS.subscribe}"; repeat or comma separate)`,
      collectList,
    )
    .option('--publish <patterns>', `patterns it may publish on ("${CLAIMS.publish}")`, collectList)
    .option(
      '--request <patterns>',
      `method patterns it may call ("${CLAIMS.request}")`,
      collectList,
    )
    .option('--expires-in <time>', 'lifetime: 30m, 1h, 7d (jose time span)', '1h')
    .option('--issuer <iss>', 'the "iss" claim')
    .option('--audience <aud>', 'the "aud" claim')
    .option('--json', 'print { token, claims } as JSON')
    .addHelpText(
      'after',
      '\nFor development hubs: the secret is on the command line. A token lists what it grants;\n' +
        'a list left out grants nothing on a hub that reads these claims.\n' +
        "Example: switchboard token --secret \"$SECRET\" --sub agent-7 --publish 'agent.7.#' --subscribe 'task.#'",
    )
    .action((flags: TokenFlags) => token(flags));
}

async function token(flags: TokenFlags): Promise<void> {
  if (!flags.secret) throw usageError('--secret (or SWITCHBOARD_JWT_SECRET) is required');
  if (Buffer.byteLength(flags.secret) < MIN_SECRET_BYTES) {
    throw usageError(
      `--secret is ${Buffer.byteLength(flags.secret)} bytes; HS256 needs at least ${MIN_SECRET_BYTES} (hubs refuse shorter keys)`,
    );
  }
  checkPatterns('subscribe', flags.subscribe);
  checkPatterns('publish', flags.publish);
  checkPatterns('request', flags.request);
  const claims: Record<string, unknown> = {};
  if (flags.subscribe) claims[CLAIMS.subscribe] = flags.subscribe;
  if (flags.publish) claims[CLAIMS.publish] = flags.publish;
  if (flags.request) claims[CLAIMS.request] = flags.request;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(flags.sub)
    .setIssuedAt();
  try {
    jwt.setExpirationTime(flags.expiresIn);
  } catch (error) {
    throw usageError(`--expires-in "${flags.expiresIn}": ${(error as Error).message}`);
  }
  if (flags.issuer) jwt.setIssuer(flags.issuer);
  if (flags.audience) jwt.setAudience(flags.audience);
  const signed = await jwt.sign(new TextEncoder().encode(flags.secret));
  if (flags.json) {
    const payload = JSON.parse(Buffer.from(signed.split('.')[1]!, 'base64url').toString('utf8'));
    out.json({ token: signed, claims: payload });
  } else {
    out.line(signed);
  }
}
