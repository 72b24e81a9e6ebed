import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type Redis from 'ioredis';

/**
 * `durability: 'wait'`: an append is acknowledged once `WAIT replicas timeout` confirmed it.
 * WAIT covers every write sent before it on the same connection, so appends share one: an
 * append joins the WAIT in flight when that WAIT was sent after the append (it is covered),
 * and otherwise the next one. Under load that is one WAIT per round trip, not per append.
 */
export class ReplicaWait {
  readonly #client: Redis;
  readonly #replicas: number;
  readonly #timeoutMs: number;
  /** Appends sent so far on the connection (numbered when sent). */
  #sent = 0;
  #next: { covers: number; done: Promise<number> } | undefined;

  constructor(client: Redis, replicas: number, timeoutMs: number) {
    this.#client = client;
    this.#replicas = replicas;
    this.#timeoutMs = timeoutMs;
  }

  /** Call right before sending an append; pass the number to `confirm`. */
  sending(): number {
    this.#sent += 1;
    return this.#sent;
  }

  /** Resolves once enough replicas have append number `sent`; rejects with TIMEOUT otherwise. */
  async confirm(sent: number, offset: number): Promise<void> {
    let wait = this.#next;
    if (wait === undefined || wait.covers < sent) {
      const done = this.#client.wait(this.#replicas, this.#timeoutMs);
      wait = { covers: this.#sent, done };
      this.#next = wait;
      const current = wait;
      void done
        .finally(() => {
          if (this.#next === current) this.#next = undefined;
        })
        .catch(() => {});
    }
    const acknowledged = await wait.done;
    if (acknowledged < this.#replicas) {
      throw new SwitchboardError(
        ErrorCode.TIMEOUT,
        `Appended as offset ${offset}, but ${acknowledged} of ${this.#replicas} replica(s) confirmed it within ${this.#timeoutMs} ms; a retry with the same id is recognised as a duplicate`,
        { details: { offset, acknowledged, replicas: this.#replicas } },
      );
    }
  }
}
