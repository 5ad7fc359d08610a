// A first-in first-out table of numbers, a few columns per row, in one growing Float64Array ring.
// The media path keeps a row per frame in flight and per ack (ViewerQueue, DeliveryRate): rows as
// objects were a quarter of the relay's own garbage, each surviving until its ack or for the rate's
// span, so the young-generation collector copied them. A row here is written in place.
export class NumberRing {
  readonly #columns: number;
  #cells: Float64Array;
  /** Index of the oldest row. */
  #head = 0;
  #length = 0;

  constructor(columns: number, initialRows = 16) {
    this.#columns = columns;
    this.#cells = new Float64Array(columns * initialRows);
  }

  get length(): number {
    return this.#length;
  }

  /** Column `column` of the row `row` places after the oldest (0: the oldest). */
  get(row: number, column: number): number {
    const rows = this.#cells.length / this.#columns;
    return this.#cells[((this.#head + row) % rows) * this.#columns + column]!;
  }

  /** Appends a row; columns past the ring's width are ignored, missing ones are 0. */
  push(a: number, b = 0, c = 0, d = 0): void {
    const columns = this.#columns;
    if ((this.#length + 1) * columns > this.#cells.length) this.#grow();
    const rows = this.#cells.length / columns;
    const at = ((this.#head + this.#length) % rows) * columns;
    const cells = this.#cells;
    cells[at] = a;
    if (columns > 1) cells[at + 1] = b;
    if (columns > 2) cells[at + 2] = c;
    if (columns > 3) cells[at + 3] = d;
    this.#length++;
  }

  /** Drops the `count` oldest rows. */
  drop(count = 1): void {
    const n = Math.min(count, this.#length);
    this.#head = (this.#head + n) % (this.#cells.length / this.#columns);
    this.#length -= n;
    if (this.#length === 0) this.#head = 0;
  }

  clear(): void {
    this.#head = this.#length = 0;
  }

  #grow(): void {
    const columns = this.#columns;
    const rows = this.#cells.length / columns;
    const next = new Float64Array(this.#cells.length * 2);
    for (let r = 0; r < this.#length; r++) {
      const from = ((this.#head + r) % rows) * columns;
      next.set(this.#cells.subarray(from, from + columns), r * columns);
    }
    this.#cells = next;
    this.#head = 0;
  }
}
