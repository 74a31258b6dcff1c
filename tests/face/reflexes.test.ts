import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { openPack } from "../../modules/pack/pack.js";
import { PackFaces, chooseKeyframe, type FaceSource } from "../../modules/face/faces.js";
import { Animator, LOOK_MS, SLEEP_BREATH_PERIOD_MS } from "../../modules/face/animator.js";
import { writePack } from "../../tools/faces/pack-writer.js";
import { REFLEXES, REFLEX_MS, STARTLE, FLINCH, GIGGLE, HEARTS, DOUBLE_TAKE } from "../../modules/face/reflexes.js";

function shippedFaces(): FaceSource {
  const b = new Uint8Array(readFileSync("frames/frames.bin"));
  const r = openPack(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), "frames.bin");
  if (!r.ok) throw new Error(r.error);
  return new PackFaces(r.pack);
}
const faces = shippedFaces();
const FRAME = 33;
const states = EMOTIONS.map((_, e) => ({ dominant: e, band: 1, nuance: 255 }));
const still = () => new Animator(faces, { blink: false, saccades: false, breathing: false });
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const keyframe = (e: number) => {
  const f = new Uint8Array(1024);
  faces.copyFrame(chooseKeyframe(faces, e, 1, 255), f);
  return f;
};
const popcount = (f: Uint8Array) => {
  let n = 0;
  for (const b of f) for (let x = b; x; x &= x - 1) n++;
  return n;
};
/** Lit pixels inside the keyframe's eye boxes. */
function eyePixels(f: Uint8Array, e: number): number {
  const boxes = new Int16Array(8);
  const n = faces.eyes(chooseKeyframe(faces, e, 1, 255), boxes);
  let lit = 0;
  for (let k = 0; k < n; k++) for (let x = boxes[4 * k]; x <= boxes[4 * k + 2]; x++) for (let y = boxes[4 * k + 1]; y <= boxes[4 * k + 3]; y++) lit += (f[(y >> 3) * 128 + x] >> (y & 7)) & 1;
  return lit;
}
/** How far the face was moved up: the smallest shift that makes the keyframe's top rows match. */
function topRow(f: Uint8Array): number {
  for (let y = 0; y < 64; y++) for (let x = 0; x < 128; x++) if ((f[(y >> 3) * 128 + x] >> (y & 7)) & 1) return y;
  return 64;
}

describe("reflexes", () => {
  test.each(REFLEXES.map((name, r) => [name, r] as const))("%s: plays for its length at 33 ms frames, changes the face, then the mood face is back", (_name, r) => {
    for (const e of [EMOTIONS.indexOf("calm"), EMOTIONS.indexOf("sad"), EMOTIONS.indexOf("mad")]) {
      const a = still();
      a.update(0, states[e]);
      const mood = keyframe(e);
      expect(a.reflex(r, 100)).toBe(true);
      let frames = 0;
      let changed = 0;
      let t = 100;
      for (; a.reflexing >= 0 || t === 100; t += FRAME) {
        const out = a.update(t, states[e]);
        if (a.reflexing < 0) break;
        frames++;
        if (!same(out, mood)) changed++;
      }
      expect(frames).toBe(Math.ceil(REFLEX_MS[r] / FRAME));
      expect(changed).toBeGreaterThanOrEqual(frames / 2);
      expect(REFLEX_MS[r]).toBeGreaterThanOrEqual(300);
      expect(REFLEX_MS[r]).toBeLessThanOrEqual(700);
      expect(same(a.update(t, states[e]), mood)).toBe(true);
    }
  });

  test("startle lifts the face and opens the eyes wider; flinch screws them shut; giggle bounces", () => {
    // A mood whose medium face has open eyes (calm medium's are gently shut: docs/faces.md).
    const awake = EMOTIONS.indexOf("power");
    const mood = keyframe(awake);
    const at = (r: number, ms: number) => {
      const a = still();
      a.update(0, states[awake]);
      a.reflex(r, 1000);
      return a.update(1000 + ms, states[awake]);
    };
    const wide = at(STARTLE, 100);
    expect(topRow(wide)).toBe(topRow(mood) - 2);
    expect(popcount(wide)).toBeGreaterThan(popcount(mood));
    expect(eyePixels(at(FLINCH, 50), awake)).toBeLessThan(eyePixels(mood, awake) / 3);
    expect(topRow(at(GIGGLE, 50))).toBe(topRow(mood) - 2);
    expect(topRow(at(GIGGLE, 150))).toBe(topRow(mood));
  });

  test("a lift never pushes ink off the top edge (a drawing's brows on row 0 stay whole through a startle)", () => {
    // A drawing: a 3-row brow on rows 0-2 (x 10..50) and one eye, a filled block, boxed below it.
    const frame = new Uint8Array(1024);
    const set = (x: number, y: number) => (frame[(y >> 3) * 128 + x] |= 1 << (y & 7));
    for (let y = 0; y < 3; y++) for (let x = 10; x <= 50; x++) set(x, y);
    for (let y = 20; y < 30; y++) for (let x = 20; x <= 40; x++) set(x, y);
    const packed = writePack({ entries: EMOTIONS.map((_, e) => ({ emotion: e, band: 1, frame, eyes: [[18, 18, 42, 31]] })) });
    const opened = openPack(packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength), "drawing");
    if (!opened.ok) throw new Error(opened.error);
    const a = new Animator(new PackFaces(opened.pack), { blink: false, saccades: false, breathing: false });
    a.update(0, states[0]);
    a.reflex(STARTLE, 1000);
    const brow = (f: Uint8Array) => {
      let n = 0;
      for (let y = 0; y < 8; y++) for (let x = 10; x <= 50; x++) n += (f[(y >> 3) * 128 + x] >> (y & 7)) & 1;
      return n;
    };
    for (const ms of [30, 100, 300]) expect([ms, brow(a.update(1000 + ms, states[0]))]).toEqual([ms, 3 * 41]);
    // Breathing, awake and asleep, lifts the face by a row half the time: never this one.
    const breathing = new Animator(new PackFaces(opened.pack), { blink: false, saccades: false, breathing: true });
    for (let t = 0; t < 8000; t += 250) expect([t, brow(breathing.update(t, states[0]))]).toEqual([t, 3 * 41]);
    breathing.sleep(true);
    for (let t = 8000; t < 20000; t += 250) expect([t, brow(breathing.update(t, states[0]))]).toEqual([t, 3 * 41]);
  });

  test("heart eyes replace the eyes in both boxes; the double take glances aside and back", () => {
    const e = EMOTIONS.indexOf("sad");
    const mood = keyframe(e);
    const a = still();
    a.update(0, states[e]);
    a.reflex(HEARTS, 0);
    const hearts = a.update(33, states[e]);
    expect(same(hearts, mood)).toBe(false);
    expect(a.update(300, states[e]).every((b, i) => b === mood[i])).toBe(true); // the gap between the flashes
    const b = still();
    b.update(0, states[e]);
    b.reflex(DOUBLE_TAKE, 0);
    b.update(50, states[e]);
    expect(b.gazeX).toBe(10);
    b.update(200, states[e]);
    expect(b.gazeX).toBe(0);
    b.update(400, states[e]);
    expect(b.gazeX).toBe(10);
  });

  test("a new reflex replaces the one playing; idle life waits until it ends", () => {
    const a = new Animator(faces, { seed: 3 });
    a.update(0, states[7]);
    a.reflex(GIGGLE, 10);
    a.update(100, states[7]);
    a.reflex(FLINCH, 120);
    a.update(150, states[7]);
    expect(a.reflexing).toBe(FLINCH);
    expect(a.blinking).toBe(false);
    a.update(120 + REFLEX_MS[FLINCH], states[7]);
    expect(a.reflexing).toBe(-1);
  });

  test("reflexes are deterministic: the same seed and times give the same frames", () => {
    const run = () => {
      const a = new Animator(faces, { seed: 9 });
      const h = createHash("sha256");
      for (let t = 0, i = 0; t < 20000; t += FRAME, i++) {
        if (i % 40 === 5) a.reflex(i % REFLEXES.length, t);
        h.update(a.update(t, states[(i >> 6) % 8]));
      }
      return h.digest("hex");
    };
    expect(run()).toBe(run());
  });
});

describe("sleep and looks", () => {
  test("asleep: the eyes close to a line, breathing slows to 6 s, no reflexes until awake", () => {
    // A mood whose medium face has open eyes (calm medium's are gently shut: docs/faces.md).
    const awake = EMOTIONS.indexOf("power");
    const mood = keyframe(awake);
    const a = new Animator(faces, { seed: 1, blink: false, saccades: false });
    a.update(0, states[awake]);
    a.sleep(true);
    const shut = a.update(100, states[awake]);
    expect(eyePixels(shut, awake)).toBeLessThan(eyePixels(mood, awake) / 3);
    expect(a.reflex(STARTLE, 200)).toBe(false);
    const lifted: number[] = [];
    for (let t = 0; t < SLEEP_BREATH_PERIOD_MS * 2; t += 500) lifted.push(topRow(a.update(t, states[awake])));
    const up = Math.min(...lifted);
    expect(lifted.filter((y) => y === up).length).toBe(lifted.length / 2);
    a.sleep(false);
    expect(a.reflex(STARTLE, 13000)).toBe(true);
  });

  test("a look turns the eyes for LOOK_MS, then they come back", () => {
    const a = still();
    a.update(0, states[7]);
    a.look(-12, 0, 100);
    a.update(133, states[7]);
    expect(a.gazeX).toBe(-12);
    a.update(100 + LOOK_MS - 1, states[7]);
    expect(a.gazeX).toBe(-12);
    const back = a.update(100 + LOOK_MS, states[7]);
    expect(a.gazeX).toBe(0);
    expect(same(back, keyframe(7))).toBe(true);
  });
});
