/*
 * xorshift32: a tiny deterministic generator, so the face's idle life (blink times, saccades) is the
 * same on every engine for the same seed. Integer-only.
 */
export class Random {
  private x: number;
  constructor(seed: number) {
    this.x = seed | 0 || 0x9e3779b9;
  }

  /** Next value in [0, 2^32). */
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x;
    return x >>> 0;
  }

  /** Uniform integer in [lo, hi], without division (multiply-high by the 16 top bits). */
  range(lo: number, hi: number): number {
    return lo + ((Math.imul(this.next() >>> 16, hi - lo + 1) >>> 16) | 0);
  }
}
