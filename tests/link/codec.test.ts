import { decodeStimulus, encodeStimulus, newStimulusMessage, ERR_LENGTH, MAX_TAGS, NO_DIRECTION } from "../../modules/link/codec.js";

describe("STIMULUS codec: the optional direction byte", () => {
  test("round trips with and without a direction, any tag count", () => {
    const buf = new Uint8Array(20);
    const m = newStimulusMessage();
    for (let n = 0; n <= MAX_TAGS; n++) {
      const tags = Array.from({ length: n }, (_, i) => i + 1);
      for (const direction of [NO_DIRECTION, 0, 1, 64, 128, 255]) {
        const len = encodeStimulus(buf, 7, 200, tags, direction);
        expect(len).toBe(5 + n + (direction < 0 ? 0 : 1));
        expect(decodeStimulus(buf, len, 40, 40, m)).toBe(0);
        expect([m.stimulus, m.tagCount, Array.from(m.tags.subarray(0, n)), m.direction]).toEqual([7, n, tags, direction]);
      }
    }
  });

  test("old messages decode as before (no direction); one byte too many beyond the direction is a length error", () => {
    const m = newStimulusMessage();
    m.direction = 5;
    expect(decodeStimulus(Uint8Array.of(1, 1, 2, 255, 0), 5, 40, 40, m)).toBe(0);
    expect(m.direction).toBe(NO_DIRECTION);
    expect(decodeStimulus(Uint8Array.of(1, 1, 2, 255, 1, 3, 9, 9), 8, 40, 40, m)).toBe(ERR_LENGTH);
    expect(m.errorAt).toBe(7);
    expect(decodeStimulus(Uint8Array.of(1, 1, 2, 255, 2, 3), 6, 40, 40, m)).toBe(ERR_LENGTH);
    expect(m.errorAt).toBe(6);
  });
});
