/*
 * Chooses the column/page windows that send a frame's changes in the fewest I2C clocks.
 *
 * Input: for each of the 8 pages a 128-bit mask (4 int32 words) of changed columns. A window covers
 * pages p0..p1 and columns c0..c1 and costs one command transaction (0x00 21 c0 c1 22 p0 p1) plus
 * one data transaction (0x40 and w*h bytes). The planner tries every grouping of consecutive pages
 * (dynamic programming over the 8 pages); within a group it covers the union of changed columns with
 * column segments, merging two segments when re-sending the gap costs less than another window's
 * overhead. The whole frame is always one of the candidates, so a plan never costs more than a full
 * frame. Allocation-free: all state is preallocated.
 */
import { PAGES, WIDTH } from "../common/geometry.js";
import { transactionClocks } from "./commands.js";

// The frame's geometry is common/geometry.ts's; these names are the planner's view of it.
export { PAGES };
export const COLUMNS = WIDTH;
export const MASK_WORDS = 4;
/** At most one window per column segment and page: 8 pages x 64 segments is the worst case. */
export const MAX_WINDOWS = 512;

const WINDOW_COMMAND_CLOCKS = transactionClocks(7);

/** Clocks of one window of w columns by h pages. */
export function windowClocks(w: number, h: number): number {
  return WINDOW_COMMAND_CLOCKS + transactionClocks(1 + w * h);
}

export class WindowPlanner {
  /** Planned windows: [c0, c1, p0, p1] for window i at 4*i. */
  readonly windows = new Int32Array(MAX_WINDOWS * 4);
  count = 0;
  /** Bus clocks of the plan (command and data transactions). */
  clocks = 0;
  private readonly best = new Int32Array(PAGES + 1);
  private readonly from = new Int32Array(PAGES + 1);
  private readonly union = new Int32Array(MASK_WORDS);

  /** Plans windows for `mask` (PAGES * MASK_WORDS words). Returns the number of windows. */
  plan(mask: Int32Array): number {
    const best = this.best;
    const from = this.from;
    best[0] = 0;
    for (let j = 0; j < PAGES; j++) {
      // Option 1: page j is clean and needs nothing.
      best[j + 1] = pageClean(mask, j) ? best[j] : 0x3fffffff;
      from[j + 1] = -1;
      if (pageClean(mask, j)) continue;
      // Option 2: a group of pages i..j (i dirty) covered by column segments.
      const u = this.union;
      u.fill(0);
      for (let i = j; i >= 0; i--) {
        for (let w = 0; w < MASK_WORDS; w++) u[w] |= mask[i * MASK_WORDS + w];
        if (pageClean(mask, i)) continue;
        const cost = best[i] + this.segments(u, j - i + 1, -1, false);
        if (cost < best[j + 1]) {
          best[j + 1] = cost;
          from[j + 1] = i;
        }
      }
    }
    // Walk back through the choices and emit the windows.
    this.count = 0;
    this.clocks = best[PAGES];
    let j = PAGES;
    while (j > 0) {
      const i = from[j];
      if (i < 0) {
        j--;
        continue;
      }
      const u = this.union;
      u.fill(0);
      for (let p = i; p < j; p++) for (let w = 0; w < MASK_WORDS; w++) u[w] |= mask[p * MASK_WORDS + w];
      this.segments(u, j - i, i, true);
      j = i;
    }
    return this.count;
  }

  /** Cost of covering mask `u` over `h` pages with column segments; emits them when `emit`. */
  private segments(u: Int32Array, h: number, p0: number, emit: boolean): number {
    let cost = 0;
    let start = -1;
    let end = -1;
    let c = nextSet(u, 0);
    while (c < COLUMNS) {
      const runEnd = nextClear(u, c) - 1;
      if (start < 0) {
        start = c;
        end = runEnd;
      } else if (9 * (c - end - 1) * h < windowClocks(0, 0)) {
        end = runEnd; // re-sending the gap is cheaper than another window
      } else {
        cost += windowClocks(end - start + 1, h);
        if (emit) this.emit(start, end, p0, p0 + h - 1);
        start = c;
        end = runEnd;
      }
      c = nextSet(u, runEnd + 1);
    }
    if (start >= 0) {
      cost += windowClocks(end - start + 1, h);
      if (emit) this.emit(start, end, p0, p0 + h - 1);
    }
    return cost;
  }

  private emit(c0: number, c1: number, p0: number, p1: number): void {
    const k = this.count++ * 4;
    this.windows[k] = c0;
    this.windows[k + 1] = c1;
    this.windows[k + 2] = p0;
    this.windows[k + 3] = p1;
  }
}

/**
 * The driver's per-frame byte work (docs/ssd1306.md, "Frame work"): diff, plan, copy. This portable
 * implementation runs on the host; the board's build passes the C one (modules/display/native-frame.ts,
 * native/display/frame.c), which makes the same plans window for window (tests/display/native-frame.test.ts).
 */
export interface FrameOps {
  /**
   * Plans the windows that send what differs between `frame` and `last` over the first `pages` pages
   * (every column when not `known`) into `windows` (an ArrayBuffer of MAX_WINDOWS x 4 int32:
   * [c0, c1, p0, p1] per window, in sending order). Returns the number of windows.
   */
  plan(frame: Uint8Array, last: Uint8Array, known: boolean, pages: number, windows: ArrayBuffer): number;
  /** Copies the window's bytes of `frame`, page by page, into `data` from index 1 (index 0 is the control byte). */
  pack(frame: Uint8Array, data: Uint8Array, c0: number, c1: number, p0: number, p1: number): void;
  /** Copies the window's bytes of `frame` into `last` at the same places. */
  commit(frame: Uint8Array, last: Uint8Array, c0: number, c1: number, p0: number, p1: number): void;
}

/** FrameOps in TypeScript over WindowPlanner: the host's, and the reference the C is held to. */
export class PortableFrameOps implements FrameOps {
  private readonly planner = new WindowPlanner();
  private readonly mask = new Int32Array(PAGES * MASK_WORDS);
  private windowBuffer: ArrayBuffer | undefined;
  private windowView = new Int32Array(0);

  plan(frame: Uint8Array, last: Uint8Array, known: boolean, pages: number, windows: ArrayBuffer): number {
    const mask = this.mask;
    mask.fill(0);
    for (let p = 0; p < pages; p++) {
      const base = p * COLUMNS;
      for (let x = 0; x < COLUMNS; x++) {
        if (!known || frame[base + x] !== last[base + x]) mask[p * MASK_WORDS + (x >> 5)] |= 1 << (x & 31);
      }
    }
    const n = this.planner.plan(mask);
    if (windows !== this.windowBuffer) {
      // One view per buffer (the driver keeps one): no allocation per frame.
      this.windowBuffer = windows;
      this.windowView = new Int32Array(windows);
    }
    const from = this.planner.windows;
    const to = this.windowView;
    for (let i = 0; i < 4 * n; i++) to[i] = from[i];
    return n;
  }

  pack(frame: Uint8Array, data: Uint8Array, c0: number, c1: number, p0: number, p1: number): void {
    let k = 1;
    for (let p = p0; p <= p1; p++) {
      const base = p * COLUMNS;
      for (let x = c0; x <= c1; x++) data[k++] = frame[base + x];
    }
  }

  commit(frame: Uint8Array, last: Uint8Array, c0: number, c1: number, p0: number, p1: number): void {
    for (let p = p0; p <= p1; p++) {
      const base = p * COLUMNS;
      for (let x = c0; x <= c1; x++) last[base + x] = frame[base + x];
    }
  }
}

function pageClean(mask: Int32Array, p: number): boolean {
  const b = p * MASK_WORDS;
  return (mask[b] | mask[b + 1] | mask[b + 2] | mask[b + 3]) === 0;
}

/** First set bit at or after column c, or COLUMNS. */
function nextSet(u: Int32Array, c: number): number {
  while (c < COLUMNS) {
    const word = u[c >> 5] >>> (c & 31);
    if (word !== 0) return c + (31 - Math.clz32(word & -word));
    c = (c | 31) + 1;
  }
  return COLUMNS;
}

/** First clear bit at or after column c, or COLUMNS. */
function nextClear(u: Int32Array, c: number): number {
  while (c < COLUMNS) {
    const word = ~u[c >> 5] >>> (c & 31);
    if (word !== 0) return Math.min(COLUMNS, c + (31 - Math.clz32(word & -word)));
    c = (c | 31) + 1;
  }
  return COLUMNS;
}
