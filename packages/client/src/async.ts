/** Small async helpers shared by the client's parts. */

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Node's timers keep the process alive; a client's bookkeeping timers should not. */
export function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** `unref` unless `keep`: for the timers that keep a process alive by choice. */
export function unrefUnless<T>(keep: boolean, timer: T): T {
  return keep ? timer : unref(timer);
}

/**
 * Lets the process exit while this WebSocket is open. `ws` has no public way, so this
 * reaches its TCP socket (`_socket`, as socket.io-client's `autoUnref` does); any other
 * implementation (browsers) has none and is left alone.
 */
export function unrefSocket(socket: unknown): void {
  const tcp = (socket as { _socket?: { unref?: () => void } } | null)?._socket;
  if (typeof tcp?.unref === 'function') tcp.unref();
}
