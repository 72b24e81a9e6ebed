/**
 * A small typed event emitter. Not `node:events`: channel clients run in browsers too. As in
 * the hub client, an `error` without listeners is not thrown, and a listener that throws is
 * reported asynchronously without stopping the other listeners.
 */

// biome-ignore lint/suspicious/noExplicitAny: listener argument lists vary per event.
export type EventMap<Events> = { [E in keyof Events]: (...args: any[]) => void };

interface Registration {
  readonly listener: (...args: never[]) => void;
  readonly once: boolean;
}

export class TypedEmitter<Events extends EventMap<Events>> {
  readonly #listeners = new Map<string, Registration[]>();

  /** Adds a listener; returns a function that removes it. */
  on<E extends keyof Events & string>(event: E, listener: Events[E]): () => void {
    return this.#add(event, listener, false);
  }

  /** Adds a listener that runs at most once; returns a function that removes it. */
  once<E extends keyof Events & string>(event: E, listener: Events[E]): () => void {
    return this.#add(event, listener, true);
  }

  /** Removes the most recent registration of `listener`. */
  off<E extends keyof Events & string>(event: E, listener: Events[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.listener === listener) {
        this.#remove(event, list[i]!);
        return;
      }
    }
  }

  listenerCount<E extends keyof Events & string>(event: E): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  protected emit<E extends keyof Events & string>(
    event: E,
    ...args: Parameters<Events[E]>
  ): boolean {
    const list = this.#listeners.get(event);
    if (list === undefined) return false;
    for (const registration of [...list]) {
      if (registration.once) this.#remove(event, registration);
      try {
        (registration.listener as (...args: unknown[]) => void)(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }

  #add(event: string, listener: (...args: never[]) => void, once: boolean): () => void {
    const registration: Registration = { listener, once };
    const list = this.#listeners.get(event);
    if (list === undefined) this.#listeners.set(event, [registration]);
    else list.push(registration);
    return () => this.#remove(event, registration);
  }

  #remove(event: string, registration: Registration): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    const index = list.indexOf(registration);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(event);
  }
}
