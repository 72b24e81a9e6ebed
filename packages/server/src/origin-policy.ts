/**
 * An origin as browsers send it (`scheme://host[:port]`, no path), optionally with `*.` in front
 * of the host, or the literal `null` (sandboxed frames, `file:` pages).
 */
const ORIGIN =
  /^(?:null|[a-z][a-z0-9+.-]*:\/\/(?:\*\.)?(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?)$/i;

/** Throws a TypeError naming the option unless `value` is undefined or a list of origins. */
export function checkOrigins(owner: string, key: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    throw new TypeError(
      `${owner} option "${key}" must be an array of origins, got ${String(value)}`,
    );
  }
  for (const origin of value) {
    if (typeof origin !== 'string' || !ORIGIN.test(origin)) {
      throw new TypeError(
        `${owner} option "${key}" has ${JSON.stringify(origin)}, which is not an origin such as "https://app.example.com" or "https://*.example.com"`,
      );
    }
  }
}

/**
 * @internal
 * Which browser origins may upgrade (WSServer's `allowedOrigins` and `requireOrigin`). Origins
 * are compared case-insensitively, as their scheme and host are; `*` stands for one or more
 * labels of the host, so `https://*.example.com` allows `https://a.example.com` and
 * `https://a.b.example.com` but neither `https://example.com` nor another port.
 */
export class OriginPolicy {
  readonly #exact = new Set<string>();
  readonly #wildcards: RegExp[] = [];
  /** No list was given: every origin is allowed. */
  readonly #any: boolean;

  constructor(
    allowed: readonly string[] | undefined,
    private readonly requireOrigin: boolean,
  ) {
    this.#any = allowed === undefined;
    for (const origin of allowed ?? []) {
      const lower = origin.toLowerCase();
      const star = lower.indexOf('://*.');
      if (star === -1) {
        this.#exact.add(lower);
        continue;
      }
      const scheme = lower.slice(0, star);
      const rest = lower.slice(star + 5);
      this.#wildcards.push(
        new RegExp(
          `^${escapeRegExp(scheme)}://[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.${escapeRegExp(rest)}$`,
        ),
      );
    }
  }

  /** Whether an upgrade with this `Origin` header (undefined: none) may proceed. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined || origin === '') return !this.requireOrigin;
    if (this.#any) return true;
    const lower = origin.toLowerCase();
    if (this.#exact.has(lower)) return true;
    for (const wildcard of this.#wildcards) if (wildcard.test(lower)) return true;
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
