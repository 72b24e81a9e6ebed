import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Principal } from '@switchboard/server';

/** The principal the admin token stands for on the hub: it reads everything, sends nothing. */
export const ADMIN_PRINCIPAL: Readonly<Principal> = Object.freeze({
  id: 'switchboard-admin',
  publish: [],
  request: [],
  serve: [],
});

/**
 * The admin token, kept as its SHA-256 and compared in constant time, so the time a check
 * takes says nothing about how much of a guess matched.
 */
export class AdminAccess {
  readonly #digest: Buffer;

  constructor(token: string) {
    this.#digest = digest(token);
  }

  matches(token: string | undefined): boolean {
    return token !== undefined && timingSafeEqual(digest(token), this.#digest);
  }

  /** `Authorization: Bearer <admin token>` on an HTTP request. */
  allows(request: IncomingMessage): boolean {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    return this.matches(match?.[1]);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
