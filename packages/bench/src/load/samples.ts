/** A growable list of int32 samples (latencies in µs) that ships over IPC as one typed array. */
export class Samples {
  #data = new Int32Array(1 << 16);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = new Int32Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = Math.min(value, 2_147_483_647);
  }

  toArray(): Int32Array {
    return this.#data.slice(0, this.#length);
  }

  clear(): void {
    this.#length = 0;
  }
}
