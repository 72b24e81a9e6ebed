import { type Interest, SubscriptionIndex } from '@switchboard/router';
import type { RouterConnection } from './router-link.ts';

/**
 * @internal
 * The router's subscriptions: the index fan-out searches and each connection's own set, kept
 * in step. The only place patterns enter or leave the index (where engine interest, such as
 * a cluster engine's per-pattern subscription, hooks in).
 */
export class SubscriptionRegistry {
  readonly #index = new SubscriptionIndex<RouterConnection>();

  /** The patterns held on this node, as the engine follows them. */
  get interest(): Interest {
    return this.#index;
  }

  /** (connection, pattern) pairs. */
  get size(): number {
    return this.#index.size;
  }

  /** Adds a pattern the connection does not hold yet. */
  add(connection: RouterConnection, pattern: string): void {
    this.#index.add(pattern, connection);
    connection.subscriptions.add(pattern);
  }

  /** Removes a pattern; false when the connection did not hold it. */
  remove(connection: RouterConnection, pattern: string): boolean {
    if (!connection.subscriptions.delete(pattern)) return false;
    this.#index.remove(pattern, connection);
    return true;
  }

  /** Removes every pattern of a connection that closed. */
  removeAll(connection: RouterConnection): void {
    for (const pattern of connection.subscriptions) this.#index.remove(pattern, connection);
    connection.subscriptions.clear();
  }

  hasMatch(topic: string): boolean {
    return this.#index.hasMatch(topic);
  }

  /** Calls `visit` per matching (connection, pattern): a connection may come several times. */
  forEachMatch(topic: string, visit: (connection: RouterConnection) => void): void {
    this.#index.forEachMatch(topic, visit);
  }
}
