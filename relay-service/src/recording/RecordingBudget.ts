// The relay's memory for recordings, shared by every session on the node: a recording that would take
// it past the budget stops (the session log says why) instead of the process running out of heap.
export class RecordingBudget {
  readonly #limit: number;
  #used = 0;

  constructor(limitBytes: number) {
    this.#limit = limitBytes;
  }

  get used(): number {
    return this.#used;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Reserves `bytes`; false (nothing reserved) when the budget has no room for them. */
  take(bytes: number): boolean {
    if (this.#used + bytes > this.#limit) return false;
    this.#used += bytes;
    return true;
  }

  /** Returns what a recording held once it has left memory (handed to the outbox, or dropped). */
  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}
