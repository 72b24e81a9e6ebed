import type { EntryListener, LogEntry } from '@switchboard/router';

/**
 * The engine's `onEntry` listeners. Each entry goes to the listeners registered when its
 * delivery began, in the order they were added; a listener added meanwhile starts with the
 * next entry, and one removed meanwhile may still get this one, never a later one.
 */
export class Listeners {
  // Registrations, so that one listener added twice is removed once per remover.
  #list: readonly { listener: EntryListener }[] = [];

  add(listener: EntryListener): () => void {
    const registration = { listener };
    this.#list = [...this.#list, registration];
    return () => {
      this.#list = this.#list.filter((r) => r !== registration);
    };
  }

  clear(): void {
    this.#list = [];
  }

  /**
   * Hands `entry` to every listener while `live()` holds (close() inside a listener stops
   * the rest). A throw goes to `onError` and costs the others nothing.
   */
  deliver(entry: LogEntry, live: () => boolean, onError: (error: unknown) => void): void {
    for (const { listener } of this.#list) {
      if (!live()) return;
      try {
        listener(entry);
      } catch (error) {
        onError(error);
      }
    }
  }
}
