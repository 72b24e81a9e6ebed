import { EventEmitter } from 'node:events';

// biome-ignore lint/suspicious/noExplicitAny: listener argument lists vary per event.
type EventMap<Events> = { [E in keyof Events]: (...args: any[]) => void };

/** A Node EventEmitter whose event names and listener arguments are checked. */
export class TypedEmitter<Events extends EventMap<Events>> {
  readonly #emitter = new EventEmitter({ captureRejections: false });

  on<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    this.#emitter.on(event, listener);
    return this;
  }

  once<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    this.#emitter.once(event, listener);
    return this;
  }

  off<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    this.#emitter.off(event, listener);
    return this;
  }

  listenerCount<E extends keyof Events & string>(event: E): number {
    return this.#emitter.listenerCount(event);
  }

  /** Emits without letting a throwing listener break the hub; `error` without listeners is dropped. */
  protected emit<E extends keyof Events & string>(
    event: E,
    ...args: Parameters<Events[E]>
  ): boolean {
    if (event === 'error' && this.#emitter.listenerCount('error') === 0) return false;
    try {
      return this.#emitter.emit(event, ...args);
    } catch (error) {
      if (event !== 'error') this.emit('error' as E, ...([error] as Parameters<Events[E]>));
      return true;
    }
  }
}
