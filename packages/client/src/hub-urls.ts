import { CloseCode } from '@switchboard/protocol/wire';
import type { CloseInfo } from './connection.ts';

/**
 * The hub URLs of one client and which one the next attempt uses. Several URLs are nodes
 * of one hub (sharing one log, e.g. on `@switchboard/redis`), so a client that lost one
 * resumes its subscriptions on another from the same `{epoch, offset}`.
 *
 * Order: the first connect starts at the first URL; every attempt after a failed one or a
 * lost connection moves on to the next, wrapping around. A connection that was established
 * keeps its URL until it is lost.
 */
export class HubUrls {
  #index = 0;

  readonly #urls: readonly string[];

  constructor(urls: readonly string[]) {
    this.#urls = urls;
  }

  /** The URL of the current (or next) attempt. */
  get current(): string {
    return this.#urls[this.#index]!;
  }

  get size(): number {
    return this.#urls.length;
  }

  /** The attempt at the current URL failed, or its connection was lost: move on. */
  advance(): void {
    this.#index = (this.#index + 1) % this.#urls.length;
  }

  /** Back to the first URL, for a client connected again after `disconnect()`. */
  reset(): void {
    this.#index = 0;
  }
}

/**
 * Whether a lost connection should be followed by an attempt at another URL at once instead
 * of after a backoff: the node announced that it is going away (close 1001, with or without
 * the `disconnect` frame before it, which then must not forbid a reconnect), and there is
 * another URL to go to. Its clients go to the URL after it in their own lists: clients given
 * the URLs in different orders (rotated per client) spread over the remaining nodes.
 */
export function movesOnAtOnce(info: CloseInfo, urls: HubUrls): boolean {
  if (urls.size < 2) return false;
  const advice = info.disconnect;
  if (advice !== undefined) return advice.code === CloseCode.GOING_AWAY && advice.reconnect;
  return info.code === CloseCode.GOING_AWAY;
}
