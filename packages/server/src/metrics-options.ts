import { checkKnownOptions, checkType } from '@switchboard/protocol';
import { Registry } from 'prom-client';

/**
 * Prometheus metrics (the `metrics` option of WSServer).
 * - `registry`: where the hub registers its metrics; a registry of its own when unset (so
 *   two hubs in one process do not collide). Two hubs on one registry need different prefixes.
 * - `prefix`: of every hub metric. @default 'switchboard_'
 * - `defaultMetrics`: also register prom-client's process and Node.js metrics (CPU, memory,
 *   event-loop delay, GC, handles) in that registry, unprefixed (`process_*`, `nodejs_*`).
 *   @default true
 */
export interface MetricsOptions {
  registry?: Registry;
  prefix?: string;
  defaultMetrics?: boolean;
}

export interface ResolvedMetricsOptions {
  registry: Registry;
  prefix: string;
  defaultMetrics: boolean;
}

const OWNER = 'WSServer';
const PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** `undefined` when metrics are off (`false` or unset). */
export function resolveMetricsOptions(
  value: boolean | MetricsOptions | undefined,
): ResolvedMetricsOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true)
    return { registry: new Registry(), prefix: 'switchboard_', defaultMetrics: true };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${OWNER} option "metrics" must be a boolean or an object`);
  }
  checkKnownOptions(`${OWNER} option "metrics"`, value, ['registry', 'prefix', 'defaultMetrics']);
  checkType(OWNER, 'metrics.prefix', value.prefix, 'string');
  checkType(OWNER, 'metrics.defaultMetrics', value.defaultMetrics, 'boolean');
  if (value.prefix !== undefined && value.prefix !== '' && !PREFIX.test(value.prefix)) {
    throw new TypeError(
      `${OWNER} option "metrics.prefix" must be a Prometheus name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*), got ${JSON.stringify(value.prefix)}`,
    );
  }
  if (value.registry !== undefined && !(value.registry instanceof Registry)) {
    throw new TypeError(`${OWNER} option "metrics.registry" must be a prom-client Registry`);
  }
  return {
    registry: value.registry ?? new Registry(),
    prefix: value.prefix ?? 'switchboard_',
    defaultMetrics: value.defaultMetrics ?? true,
  };
}
