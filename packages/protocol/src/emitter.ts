/**
 * The typed event emitter every Switchboard class extends. Not `node:events`: clients and
 * channels run in browsers unchanged. `on`, `once` and `off` behave as in Node's
 * EventEmitter (they return the emitter, `off` removes the most recent registration of a
 * listener); `listen` is `on` that returns a function removing exactly that registration.
 *
 * Two differences from Node, both so that a bug in one listener cannot take a hub or a
 * client down: an `error` event nobody listens to is not thrown, and a listener that throws
 * does not stop the others; its error goes to `listenerFailed` (by default reported the way
 * browsers report errors thrown by event handlers).
 */

// biome-ignore lint/suspicious/noExplicitAny: listener argument lists vary per event.
export type EventMap<Events> = { [E in keyof Events]: (...args: any[]) => void };

/** The event names of an events map (template names such as `event:${string}` included). */
export type EventName<Events> = keyof Events & string;

interface Registration {
  readonly listener: (...args: never[]) => void;
  readonly once: boolean;
}

export class TypedEmitter<Events extends EventMap<Events>> {
  readonly #listeners = new Map<string, Registration[]>();

  on<E extends EventName<Events>>(event: E, listener: Events[E]): this {
    this.#add(event, listener, false);
    return this;
  }

  once<E extends EventName<Events>>(event: E, listener: Events[E]): this {
    this.#add(event, listener, true);
    return this;
  }

  /** Removes the most recent registration of `listener` for `event`. */
  off<E extends EventName<Events>>(event: E, listener: Events[E]): this {
    const list = this.#listeners.get(event);
    if (list === undefined) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.listener === listener) {
        this.#remove(event, list[i]!);
        break;
      }
    }
    return this;
  }

  /** Adds a listener; returns a function that removes this registration (and only it). */
  listen<E extends EventName<Events>>(event: E, listener: Events[E]): () => void {
    const registration = this.#add(event, listener, false);
    return () => this.#remove(event, registration);
  }

  /** Removes every listener of `event`, or of every event when it is left out. */
  removeAllListeners(event?: EventName<Events>): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: EventName<Events>): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /**
   * Calls the listeners of `event` in registration order; true when there was one. Listeners
   * added or removed while it runs take effect from the next emit.
   */
  protected emit<E extends EventName<Events>>(event: E, ...args: Parameters<Events[E]>): boolean {
    const list = this.#listeners.get(event);
    if (list === undefined) return false;
    for (const registration of [...list]) {
      if (registration.once) this.#remove(event, registration);
      try {
        (registration.listener as (...args: unknown[]) => void)(...args);
      } catch (error) {
        this.listenerFailed(error, event);
      }
    }
    return true;
  }

  /**
   * A listener of `event` threw. The default reports it without throwing into the emitter:
   * `reportError` where the platform has it (browsers, Deno), else an uncaught error on a
   * microtask, as Node reports a throwing listener. Subclasses may route it elsewhere.
   */
  protected listenerFailed(error: unknown, _event: string): void {
    const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
    if (typeof report === 'function') {
      report(error);
      return;
    }
    queueMicrotask(() => {
      throw error;
    });
  }

  #add(event: string, listener: (...args: never[]) => void, once: boolean): Registration {
    const registration: Registration = { listener, once };
    const list = this.#listeners.get(event);
    if (list === undefined) this.#listeners.set(event, [registration]);
    else list.push(registration);
    return registration;
  }

  #remove(event: string, registration: Registration): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    const index = list.indexOf(registration);
    if (index === -1) return;
    list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(event);
  }
}
