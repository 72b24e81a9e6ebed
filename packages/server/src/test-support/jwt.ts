import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, type JWK, type JWTPayload, SignJWT } from 'jose';

/** A 32-byte HMAC secret for HS256 tests. */
export const SECRET = 'test-secret-test-secret-test-secret!';

export interface SignOptions {
  key?: CryptoKey | Uint8Array;
  alg?: string;
  kid?: string;
  /** Seconds from now until `exp`; `null` leaves `exp` out. @default 60 */
  expiresInSec?: number | null;
}

/** Signs a JWT for tests; `exp` is whole seconds since 1970, as JWTs have it. */
export function signToken(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
  const { alg = 'HS256', kid, expiresInSec = 60 } = options;
  const key = options.key ?? new TextEncoder().encode(SECRET);
  const jwt = new SignJWT(claims).setProtectedHeader({ alg, ...(kid ? { kid } : {}) });
  if (expiresInSec !== null && claims.exp === undefined) {
    jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSec);
  }
  return jwt.sign(key);
}

/** A local JWKS endpoint on port 0 whose keys a test can change (key rotation). */
export interface JwksServer {
  readonly url: string;
  /** How many times the key set was fetched. */
  readonly fetches: number;
  setKeys(keys: { key: CryptoKey; kid: string; alg: string }[]): Promise<void>;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  let body = JSON.stringify({ keys: [] as JWK[] });
  let fetches = 0;
  const server: Server = createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    async setKeys(keys) {
      const jwks = await Promise.all(
        keys.map(async ({ key, kid, alg }) => ({
          ...(await exportJWK(key)),
          kid,
          alg,
          use: 'sig',
        })),
      );
      body = JSON.stringify({ keys: jwks });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
