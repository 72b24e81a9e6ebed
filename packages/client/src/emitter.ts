/**
 * A small typed event emitter. Not `node:events`: the client must run in browsers unchanged.
 * Unlike Node's emitter, an `error` event without listeners is not thrown: a hub client
 * that crashes its process on a transient network error would be the wrong default.
 */
export type Listener<T> = (payload: T) => void;

interface Registration {
  readonly listener: Listener<never>;
  readonly once: boolean;
}

export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<PropertyKey, Registration[]>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): () => void {
    return this.add(event, listener, false);
  }

  /** Adds a listener that runs at most once; returns a function that removes it. */
  once<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): () => void {
    return this.add(event, listener, true);
  }

  /** Removes one registration of `listener` (the most recent one when added twice). */
  off<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): void {
    const list = this.listeners.get(event);
    if (list === undefined) return;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.listener === listener) {
        this.remove(event, list[i]!);
        return;
      }
    }
  }

  listenerCount<K extends keyof Events & string>(event: K): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  /**
   * Calls the listeners in registration order. A listener that throws does not stop the
   * others nor corrupt the caller's state; its error is reported asynchronously, the way
   * browsers report errors thrown by event handlers.
   */
  protected emit<K extends keyof Events & string>(event: K, payload: Events[K]): boolean {
    const list = this.listeners.get(event);
    if (list === undefined || list.length === 0) return false;
    for (const registration of [...list]) {
      if (registration.once) this.remove(event, registration);
      try {
        (registration.listener as Listener<Events[K]>)(payload);
      } catch (error) {
        reportListenerError(error);
      }
    }
    return true;
  }

  private add(event: PropertyKey, listener: Listener<never>, once: boolean): () => void {
    const registration: Registration = { listener, once };
    const list = this.listeners.get(event);
    if (list === undefined) this.listeners.set(event, [registration]);
    else list.push(registration);
    return () => this.remove(event, registration);
  }

  private remove(event: PropertyKey, registration: Registration): void {
    const list = this.listeners.get(event);
    if (list === undefined) return;
    const index = list.indexOf(registration);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.listeners.delete(event);
  }
}

function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') {
    report(error);
    return;
  }
  queueMicrotask(() => {
    throw error;
  });
}
