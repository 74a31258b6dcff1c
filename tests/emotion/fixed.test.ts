import fc from "fast-check";
import { ONE, expNeg, mul, ratio } from "../../modules/emotion/fixed.js";

const Q = 1n << 24n;
/** round(a*b / 2^24) with ties toward +infinity, exactly, in BigInt. */
function exactMul(a: number, b: number): number {
  const p = BigInt(a) * BigInt(b) + (Q >> 1n);
  const q = p >= 0n ? p / Q : -((-p + Q - 1n) / Q); // floor division
  return Number(q);
}

describe("Q8.24 arithmetic", () => {
  test("mul equals exact rounded multiplication over the engine's operand range", () => {
    const operand = fc.integer({ min: -(1 << 25), max: 1 << 25 });
    fc.assert(fc.property(operand, operand, (a, b) => mul(a, b) === exactMul(a, b)), { numRuns: 20000 });
  });

  test("mul is exact for large factors whose product fits (rates times levels)", () => {
    const big = fc.integer({ min: -(50 * ONE), max: 50 * ONE });
    const small = fc.integer({ min: -(1 << 20), max: 1 << 20 });
    fc.assert(fc.property(big, small, (a, b) => mul(a, b) === exactMul(a, b)), { numRuns: 20000 });
  });

  test("mul corner cases", () => {
    expect(mul(ONE, ONE)).toBe(ONE);
    expect(mul(-ONE, ONE)).toBe(-ONE);
    expect(mul(ONE / 2, ONE / 2)).toBe(ONE / 4);
    expect(mul(1, 1 << 23)).toBe(exactMul(1, 1 << 23));
    expect(mul(-1, 1 << 23)).toBe(exactMul(-1, 1 << 23));
  });

  test("ratio is floor(a * 2^24 / b) for 0 <= a <= b", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: (1 << 30) - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (b, f) => {
        const a = Math.floor(b * f);
        const expected = a >= b ? ONE : Number((BigInt(a) * Q) / BigInt(b));
        return ratio(a, b) === expected;
      }),
      { numRuns: 20000 },
    );
  });

  test("expNeg tracks exp(-y) within 2e-5 relative (plus one LSB)", () => {
    for (let i = 0; i <= 4000; i++) {
      const y = Math.round((i / 4000) * 18 * ONE);
      const want = Math.exp(-y / ONE) * ONE;
      const got = expNeg(y);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(want * 2e-5 + 1.5);
    }
    expect(expNeg(0)).toBe(ONE);
    expect(expNeg(-5)).toBe(ONE);
    expect(expNeg(17 * ONE)).toBe(0);
  });

  test("expNeg is monotonic non-increasing", () => {
    let prev = ONE;
    for (let y = 0; y < 20 * ONE; y += 40961) {
      const v = expNeg(y);
      expect(v).toBeLessThanOrEqual(prev);
      prev = v;
    }
  });
});
