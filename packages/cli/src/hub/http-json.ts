import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CliError, ExitCode } from '../exit-codes.ts';
import type { TlsTrust } from './tls-trust.ts';

export interface JsonResponse<T> {
  status: number;
  body: T;
  /** Time from the request to the whole body, ms. */
  elapsedMs: number;
}

/**
 * GET a JSON document (the hub's `/health` or `/stats`). Any status with a JSON body is
 * returned (a draining hub answers `/health` with 503); no answer in time is exit 3.
 */
export function getJson<T>(url: URL, trust: TlsTrust, timeoutMs: number): Promise<JsonResponse<T>> {
  const started = performance.now();
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, ...trust }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(text) as T,
            elapsedMs: performance.now() - started,
          });
        } catch {
          reject(
            new CliError(
              `${url.href} answered ${response.statusCode} with something that is not JSON; is it a Switchboard hub with httpEndpoints on?`,
              ExitCode.FAILURE,
            ),
          );
        }
      });
    });
    req.on('timeout', () => {
      req.destroy(
        new CliError(`${url.href} did not answer within ${timeoutMs} ms`, ExitCode.UNREACHABLE),
      );
    });
    req.on('error', (error) => {
      reject(
        error instanceof CliError
          ? error
          : new CliError(`cannot reach ${url.href}: ${error.message}`, ExitCode.UNREACHABLE, {
              cause: error,
            }),
      );
    });
    req.end();
  });
}
