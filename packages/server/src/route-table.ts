import { assertPattern, ErrorCode, matches, SwitchboardError } from '@switchboard/protocol';
import type { ClientInfo } from './client-info.ts';
import type { Principal } from './principal.ts';

export interface RouteContext {
  /** The request's method (for `topic` routes, the concrete name that matched). */
  method: string;
  requestId: string;
  data: unknown;
  client: ClientInfo;
  principal: Principal | null;
}

export type RouteHandler = (data: unknown, context: RouteContext) => unknown;

/** Runs before the handler; call `next()` to continue, throw a SwitchboardError to refuse. */
export type RouteMiddleware = (context: RouteContext, next: () => Promise<unknown>) => unknown;

export interface RouteDefinition {
  /** Exact method name. */
  method?: string;
  /** Pattern over method names (`tasks.*`, `admin.#`). */
  topic?: string;
  handler: RouteHandler;
  middleware?: readonly RouteMiddleware[];
}

interface Route {
  key: string;
  exact: boolean;
  handler: RouteHandler;
  middleware: readonly RouteMiddleware[];
}

/** Request/response handlers by exact method, then by pattern in registration order. */
export class RouteTable {
  readonly #exact = new Map<string, Route>();
  readonly #patterns: Route[] = [];

  add(definition: RouteDefinition): () => void {
    const { method, topic, handler } = definition;
    if ((method === undefined) === (topic === undefined)) {
      throw new TypeError('route() needs exactly one of "method" or "topic"');
    }
    if (typeof handler !== 'function') throw new TypeError('route() needs a "handler" function');
    const middleware = definition.middleware ?? [];
    if (method !== undefined) {
      if (this.#exact.has(method))
        throw new TypeError(`A route for method "${method}" already exists`);
      const route: Route = { key: method, exact: true, handler, middleware };
      this.#exact.set(method, route);
      return () => {
        if (this.#exact.get(method) === route) this.#exact.delete(method);
      };
    }
    assertPattern(topic);
    const route: Route = { key: topic!, exact: false, handler, middleware };
    this.#patterns.push(route);
    return () => {
      const at = this.#patterns.indexOf(route);
      if (at !== -1) this.#patterns.splice(at, 1);
    };
  }

  /**
   * Removes the route registered under `key`, as a `method` or as a `topic` pattern (the
   * seed API's `unroute`); false when there was none.
   */
  removeKey(key: string): boolean {
    let removed = this.#exact.delete(key);
    for (let i = this.#patterns.length - 1; i >= 0; i--) {
      if (this.#patterns[i]!.key === key) {
        this.#patterns.splice(i, 1);
        removed = true;
      }
    }
    return removed;
  }

  get size(): number {
    return this.#exact.size + this.#patterns.length;
  }

  /** Whether a route takes `method` (hub routes come before client-hosted handlers). */
  has(method: string): boolean {
    return this.#find(method) !== undefined;
  }

  /** Runs the matching route's middleware and handler; rejects with a SwitchboardError. */
  async handle(context: RouteContext): Promise<unknown> {
    const route = this.#find(context.method);
    if (!route) {
      throw new SwitchboardError(ErrorCode.NOT_FOUND, `No handler for method "${context.method}"`, {
        details: { method: context.method },
      });
    }
    const run = (index: number): Promise<unknown> => {
      const middleware = route.middleware[index];
      if (!middleware) return Promise.resolve(route.handler(context.data, context));
      return Promise.resolve(middleware(context, () => run(index + 1)));
    };
    return run(0);
  }

  #find(method: string): Route | undefined {
    const exact = this.#exact.get(method);
    if (exact) return exact;
    // Method names that are not valid topics can only match exact routes.
    try {
      return this.#patterns.find((route) => matches(route.key, method));
    } catch {
      return undefined;
    }
  }
}
