import { drawPasskey, DIGIT_GAP, DIGIT_H, DIGIT_W, DIGITS_X, DIGITS_Y, PASSKEY_DIGITS, SEGMENTS } from "../../modules/face/passkey.js";
import { FRAME_BYTES, HEIGHT, WIDTH } from "../../modules/face/raster.js";
import { getPixel } from "../helpers/panel.js";
import { Random } from "../../modules/common/random.js";

/** Reads the six digits back from the glass by sampling each segment's middle. */
function readDigits(frame: Uint8Array): string {
  let text = "";
  for (let i = 0; i < PASSKEY_DIGITS; i++) {
    const x = DIGITS_X + i * (DIGIT_W + DIGIT_GAP);
    const y = DIGITS_Y;
    const w = DIGIT_W;
    const probes: [number, number][] = [
      [x + (w >> 1), y + 1], // a
      [x + w - 2, y + 9], // b
      [x + w - 2, y + 30], // c
      [x + (w >> 1), y + DIGIT_H - 2], // d
      [x + 1, y + 30], // e
      [x + 1, y + 9], // f
      [x + (w >> 1), y + 19], // g
    ];
    let mask = 0;
    probes.forEach(([px, py], bit) => {
      if (getPixel(frame, px, py)) mask |= 1 << bit;
    });
    const d = SEGMENTS.indexOf(mask);
    text += d < 0 ? "?" : String(d);
  }
  return text;
}

describe("passkey overlay", () => {
  const frame = new Uint8Array(FRAME_BYTES);

  test("six zero-padded digits, full screen, readable back from the frame", () => {
    for (const [key, text] of [
      [0, "000000"],
      [42, "000042"],
      [123456, "123456"],
      [999999, "999999"],
      [100000, "100000"],
      [70809, "070809"],
    ] as const) {
      frame.fill(0xa5);
      drawPasskey(frame, key);
      expect(readDigits(frame)).toBe(text);
    }
    const r = new Random(3);
    for (let k = 0; k < 500; k++) {
      const key = r.next() % 1000000;
      drawPasskey(frame, key);
      expect(readDigits(frame)).toBe(String(key).padStart(6, "0"));
    }
  });

  test("digits fill the screen inside a border; nothing else is lit", () => {
    drawPasskey(frame, 888888);
    let lit = 0;
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        const on = getPixel(frame, x, y);
        const border = x === 0 || y === 0 || x === WIDTH - 1 || y === HEIGHT - 1;
        const inCells = y >= DIGITS_Y && y < DIGITS_Y + DIGIT_H && x >= DIGITS_X && (x - DIGITS_X) % (DIGIT_W + DIGIT_GAP) < DIGIT_W && x < DIGITS_X + PASSKEY_DIGITS * (DIGIT_W + DIGIT_GAP);
        if (on) {
          lit++;
          expect([x, y, border || inCells]).toEqual([x, y, true]);
        }
      }
    }
    expect(DIGIT_H * 100).toBeGreaterThanOrEqual(HEIGHT * 60); // at least 60 % of the height
    expect(lit).toBeGreaterThan(2000);
  });

  test("out of range: a blank frame (never a wrong number)", () => {
    for (const bad of [-1, 1000000, NaN, 2 ** 40]) {
      frame.fill(0xff);
      drawPasskey(frame, bad);
      expect(frame.every((b) => b === 0)).toBe(true);
    }
  });
});
