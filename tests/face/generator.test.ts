import { EMOTIONS } from "../../modules/emotion/names.js";
import { blinkStage, eyeBoxes, expression, gazeDirection, lerpParams, NEUTRAL, faceSvg } from "../../tools/faces/face.js";
import { renderFace, unpack, W } from "../../tools/faces/render.js";

const ink = (f: Uint8Array) => unpack(f).reduce((a, b) => a + b, 0);
/** Lit pixels inside a box. */
const inkIn = (f: Uint8Array, b: { x0: number; y0: number; x1: number; y1: number }) => {
  const bits = unpack(f);
  let n = 0;
  for (let y = b.y0; y <= b.y1; y++) for (let x = b.x0; x <= b.x1; x++) n += bits[y * W + x];
  return n;
};

describe("face generator", () => {
  test("deterministic: the same parameters give the same SVG and the same pixels", async () => {
    const p = expression("joy", 1);
    expect(faceSvg(p)).toBe(faceSvg({ ...p }));
    expect(Buffer.from(await renderFace(p)).equals(Buffer.from(await renderFace({ ...p })))).toBe(true);
  });

  test("expressions differ from each other and from neutral", async () => {
    const frames = await Promise.all(EMOTIONS.map((e) => renderFace(expression(e, 2))));
    const keys = new Set(frames.map((f) => Buffer.from(f).toString("base64")));
    expect(keys.size).toBe(EMOTIONS.length);
  });

  test("in-between parameters give sane faces: ink stays between the endpoints' range, eyes stay in their boxes", async () => {
    for (const [a, b] of [["joy", "sad"], ["mad", "surprise"], ["fear", "love"], ["calm", "power"]] as const) {
      const pa = expression(a, 2);
      const pb = expression(b, 2);
      const ends = [ink(await renderFace(pa)), ink(await renderFace(pb))];
      for (const t of [0.25, 0.5, 0.75]) {
        const p = lerpParams(pa, pb, t);
        const f = await renderFace(p);
        const n = ink(f);
        expect(n).toBeGreaterThan(Math.min(...ends) * 0.6);
        expect(n).toBeLessThan(Math.max(...ends) * 1.4);
        for (const box of eyeBoxes(p)) expect(inkIn(f, box)).toBeGreaterThan(40);
      }
    }
  });

  test("blink stages close the eyes and open them again; gaze directions move the pupils", async () => {
    const p = expression("calm", 0);
    const boxes = eyeBoxes(p);
    const eyeInk = async (q: typeof p) => {
      const f = await renderFace(q);
      return boxes.reduce((n, b) => n + inkIn(f, b), 0);
    };
    const open = await eyeInk(p);
    const closed = await eyeInk(blinkStage(p, 3));
    expect(closed).toBeLessThan(open * 0.6); // a closed eye is a line across it
    expect(await eyeInk(blinkStage(p, 6))).toBeGreaterThan(closed);
    const left = await renderFace(gazeDirection(p, -1, 0));
    const right = await renderFace(gazeDirection(p, 1, 0));
    expect(Buffer.from(left).equals(Buffer.from(right))).toBe(false);
    expect(ink(left)).toBeGreaterThan(0);
    expect(NEUTRAL.eyeOpen).toBe(1);
  });
});
