import { connect } from 'node:net';
import { describe, it } from 'vitest';

/**
 * Tests that need an outside service (RabbitMQ, Redis, ...) follow one rule: in CI a missing
 * service fails the run; elsewhere the suite is skipped with a visible notice. Never a
 * silent pass.
 */

export interface ServiceProbe {
  reachable: boolean;
  /** Why not, when unreachable. */
  reason?: string;
}

/** Opens and closes a TCP connection to the host and port of `url`. */
export function probeTcp(
  url: string,
  defaultPort: number,
  timeoutMs = 2000,
): Promise<ServiceProbe> {
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    host = parsed.hostname || '127.0.0.1';
    port = parsed.port === '' ? defaultPort : Number(parsed.port);
  } catch (error) {
    return Promise.resolve({ reachable: false, reason: `invalid URL: ${String(error)}` });
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (probe: ServiceProbe) => {
      socket.destroy();
      resolve(probe);
    };
    socket.setTimeout(timeoutMs, () =>
      done({ reachable: false, reason: `timeout after ${timeoutMs} ms` }),
    );
    socket.once('connect', () => done({ reachable: true }));
    socket.once('error', (error) => done({ reachable: false, reason: error.message }));
  });
}

/** Connection URL with any password replaced, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

/**
 * `describe` when the service answered; otherwise a failing test in CI, or `describe.skip`
 * with a console warning elsewhere.
 */
export function describeWithService(
  name: string,
  service: { label: string; url: string; probe: ServiceProbe },
  body: () => void,
): void {
  if (service.probe.reachable) {
    describe(name, body);
    return;
  }
  const where = `${service.label} not reachable at ${redact(service.url)} (${service.probe.reason})`;
  if (process.env.CI) {
    describe(name, () => {
      it(`needs ${service.label}`, () => {
        throw new Error(`${where}; CI must provide it`);
      });
    });
    return;
  }
  console.warn(`[skip] ${where}; ${name} skipped`);
  describe.skip(name, body);
}
