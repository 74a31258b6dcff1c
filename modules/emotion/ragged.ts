/*
 * A list of lists of small integers kept in two flat Int32Arrays, so the engine walks it with no
 * per-row objects and no allocation: row r's items are items[start[r] .. start[r + 1] - 1].
 * The catalog's tags per stimulus and the wheel's tags per word are both of this shape.
 */
export interface Ragged {
  readonly start: Int32Array;
  readonly items: Int32Array;
}

/** Builds a Ragged one row at a time, in row order (loaders only; never on the device's hot path). */
export class RaggedBuilder {
  private readonly start: Int32Array;
  private readonly items: number[] = [];
  private rows = 0;

  constructor(rowCount: number) {
    this.start = new Int32Array(rowCount + 1);
  }

  /** Starts the next row; the items pushed until the next call belong to it. */
  row(): void {
    this.start[this.rows++] = this.items.length;
  }

  push(item: number): void {
    this.items.push(item);
  }

  finish(): Ragged {
    for (let r = this.rows; r < this.start.length; r++) this.start[r] = this.items.length;
    return { start: this.start, items: Int32Array.from(this.items) };
  }
}

/** Row r as a view (tools and documents; the engine indexes start/items directly). */
export function raggedRow(list: Ragged, r: number): Int32Array {
  return list.items.subarray(list.start[r], list.start[r + 1]);
}
