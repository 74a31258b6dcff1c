/*
 * Q8.24 fixed-point arithmetic on int32, the number format of the emotion engine.
 *
 * Why Q8.24 and not Q16.16: every level is stored as a fraction of its channel's capacity K (1.0 = K),
 * so values live in [-2, 2] and 24 fraction bits buy precision that Q16.16 would spend on range. With
 * slow decay rates (s = 0.01/s at a 20 ms tick), a one-LSB bias per tick would settle 5,000 LSB away
 * from the true value: 7.6% of K in Q16.16 but 0.03% in Q8.24. Products round to nearest as well.
 *
 * Everything here uses only int32 operations (Math.imul, shifts, adds) so that XS on the ESP32-S3
 * (whose FPU has no doubles) does no floating point, and so that Node.js and XS give identical bits.
 * Range: operands of mul() must satisfy |a|, |b| < 2^25 (that is, below 2.0 in Q8.24) unless the
 * caller knows the product still fits; see each caller.
 */

export const FRAC_BITS = 24;
/** 1.0 in Q8.24. */
export const ONE = 1 << FRAC_BITS;

/**
 * Rounded product of two Q8.24 numbers: round(a * b / 2^24), ties toward +infinity.
 * Exact for all int32 a, b whose ideal result fits in int32 and whose 16-bit high halves multiply
 * without overflow (|a|, |b| < 2^31 with |a>>16 * b>>16| < 2^23), which covers every use here.
 */
export function mul(a: number, b: number): number {
  const ah = a >> 16;
  const al = a & 0xffff;
  const bh = b >> 16;
  const bl = b & 0xffff;
  // a*b = hi*2^32 + mid*2^16 + lo, with lo in [0, 2^32) as an unsigned value.
  const hi = Math.imul(ah, bh);
  const mid = (Math.imul(ah, bl) + Math.imul(al, bh)) | 0;
  const lo = Math.imul(al, bl);
  // Divide by 2^24 with rounding: split mid so that no partial sum leaves int32.
  const midHigh = mid >> 8;
  const midLow = mid & 0xff;
  const low = ((midLow << 8) + (lo >>> 8) + 0x8000) >> 16;
  return ((hi << 8) + midHigh + low) | 0;
}

/**
 * floor(a * 2^24 / b) for 0 <= a <= b and 0 < b < 2^30: a ratio in [0, 1] by restoring division.
 * Used where the engine needs one quotient per readout (the softmax normaliser) without doubles.
 */
export function ratio(a: number, b: number): number {
  if (a >= b) return ONE;
  let q = 0;
  let r = a;
  for (let bit = FRAC_BITS - 1; bit >= 0; bit--) {
    r <<= 1;
    if (r >= b) {
      r -= b;
      q |= 1 << bit;
    }
  }
  return q;
}

/** Clamp to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

// 2^(-i/64) for i = 0..64 in Q8.24, as literals (computing them with Math.pow could differ by an ulp
// between engines and break bit-exact parity). exp() interpolates the fractional part from this table,
// so it needs no division and no floating point; relative error about 1.5e-5.
const POW2_NEG_TABLE = new Int32Array([
  16777216, 16596492, 16417715, 16240863, 16065917, 15892855, 15721658, 15552304, 15384775, 15219050,
  15055111, 14892937, 14732511, 14573813, 14416824, 14261526, 14107901, 13955931, 13805598, 13656884,
  13509772, 13364245, 13220286, 13077877, 12937002, 12797645, 12659789, 12523418, 12388516, 12255067,
  12123055, 11992466, 11863283, 11735492, 11609078, 11484025, 11360319, 11237946, 11116891, 10997140,
  10878679, 10761494, 10645571, 10530897, 10417458, 10305242, 10194234, 10084422, 9975792, 9868333,
  9762032, 9656875, 9552851, 9449948, 9348154, 9247455, 9147842, 9049301, 8951823, 8855394, 8760003,
  8665641, 8572295, 8479954, 8388608,
]);

/** log2(e) in Q8.24. */
const LOG2E = 24204406;
/** Past y = 17, exp(-y) < 2^-24 rounds to zero; the cut also keeps y * LOG2E inside int32. */
const EXP_ZERO_FROM = 17 << FRAC_BITS;

/** exp(-y) in Q8.24 for y >= 0 in Q8.24 (y <= 0 gives 1.0). */
export function expNeg(y: number): number {
  if (y <= 0) return ONE;
  if (y >= EXP_ZERO_FROM) return 0;
  // exp(-y) = 2^-z with z = y * log2(e); split y so that the product cannot overflow.
  const yInt = y >> FRAC_BITS;
  const yFrac = y & (ONE - 1);
  const z = (Math.imul(yInt, LOG2E) + mul(yFrac, LOG2E)) | 0;
  const shift = z >> FRAC_BITS;
  if (shift >= FRAC_BITS) return 0;
  const frac = z & (ONE - 1);
  // Table index from the top 6 fraction bits, linear interpolation with the next 18 (pre-shifted by 3
  // so that the product stays below 2^31).
  const idx = frac >> 18;
  const t = (frac & 0x3ffff) >> 3;
  const a = POW2_NEG_TABLE[idx];
  const b = POW2_NEG_TABLE[idx + 1];
  const v = (a - ((Math.imul((a - b) >> 3, t) + (1 << 11)) >> 12)) | 0;
  return (v + (shift > 0 ? 1 << (shift - 1) : 0)) >> shift;
}

/** Q8.24 from a real number, rounded. Load-time only (profiles, catalogs): never in a hot path. */
export function toFixed(x: number): number {
  return Math.round(x * ONE) | 0;
}

