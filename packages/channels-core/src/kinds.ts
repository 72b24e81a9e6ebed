/**
 * The event kinds a subscription asked for, or all of them; throws a TypeError naming the
 * domain for a kind it does not have.
 */
export function selectKinds<K extends string>(
  domain: string,
  all: readonly K[],
  requested: readonly K[] | undefined,
): readonly K[] {
  const kinds = requested ?? all;
  for (const kind of kinds) {
    if (!all.includes(kind)) {
      throw new TypeError(
        `Unknown ${domain} event kind ${JSON.stringify(kind)}; expected ${all.join(', ')}`,
      );
    }
  }
  return kinds;
}
