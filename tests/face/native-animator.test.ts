/*
 * The animator's whole-frame work in C (native/face/animator.c: what the firmware links, through
 * face/native-animator) against the portable TypeScript the host runs (PortableAnimatorOps): the
 * same crossfades and lifts byte for byte, and two animators, one on each, give the same frames
 * through transitions, blinks, glances, breathing, reflexes (lifts) and sleep.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Animator, PortableAnimatorOps, crossfade, type AnimatorOps } from "../../modules/face/animator.js";
import { openPack } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { REFLEXES } from "../../modules/face/reflexes.js";
import { nativeAnimatorOps } from "../../tools/display/native.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { random, randomFrame } from "../helpers/panel.js";

const C: AnimatorOps = nativeAnimatorOps();
const hex = (a: Uint8Array) => Buffer.from(a).toString("hex");

/** The animator's dither table, read back through the exported crossfade (levels x columns). */
function masks(): Uint8Array {
  const m = new Uint8Array(17 * 4);
  const ones = new Uint8Array(1024).fill(0xff);
  const out = new Uint8Array(1024);
  for (let level = 0; level <= 16; level++) {
    crossfade(new Uint8Array(1024), ones, level, out);
    for (let x = 0; x < 4; x++) m[level * 4 + x] = out[x];
  }
  return m;
}

describe("animator frame work: C (the firmware's) and TypeScript (the host's) agree", () => {
  test("crossfades at every level, in place too, the same bytes", () => {
    const ts = new PortableAnimatorOps();
    const table = masks();
    expect(table[16 * 4]).toBe(0xff); // level 16: all of `to`
    expect(table[0]).toBe(0);
    const rand = random(21);
    for (let k = 0; k < 40; k++) {
      const from = randomFrame(rand);
      const to = randomFrame(rand);
      for (let level = 0; level <= 16; level++) {
        const a = new Uint8Array(1024);
        const b = new Uint8Array(1024);
        ts.crossfade(from, to, table, level, a);
        C.crossfade(from, to, table, level, b);
        expect(hex(b)).toBe(hex(a));
        const inPlace = from.slice();
        C.crossfade(inPlace, to, table, level, inPlace);
        expect(hex(inPlace)).toBe(hex(a));
      }
    }
  });

  test("lifts the same frames and refuses the same ones (ink on the top row)", () => {
    const ts = new PortableAnimatorOps();
    const rand = random(8);
    let lifted = 0;
    for (let k = 0; k < 400; k++) {
      const f = randomFrame(rand);
      // Mostly a clear top row, sometimes one lit pixel on it.
      for (let x = 0; x < 128; x++) f[x] &= 0xfe;
      if (k % 3 === 0) f[rand() % 128] |= 1;
      const a = f.slice();
      const b = f.slice();
      const r = ts.lift(a);
      expect(C.lift(b)).toBe(r);
      expect(hex(b)).toBe(hex(a));
      if (r) lifted++;
    }
    expect(lifted).toBeGreaterThan(200);
    expect(lifted).toBeLessThan(400);
  });

  test("two animators, one on each, draw the same frames through transitions, blinks, breathing, reflexes and sleep", () => {
    const bytes = readFileSync(join(REPO_ROOT, "frames", "frames.bin"));
    const opened = openPack(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), "frames.bin");
    if (!opened.ok) throw new Error(opened.error);
    const animators = [new PortableAnimatorOps(), C].map((ops) => new Animator(new PackFaces(opened.pack), { seed: 5, ops }));
    const state = { dominant: 0, band: 0, nuance: 255 };
    let differing = 0;
    let changes = 0;
    let previous = "";
    for (let k = 0; k < 3000; k++) {
      const now = k * 33;
      if (k % 75 === 0) {
        state.dominant = (k / 75) % 8;
        state.band = ((k / 225) | 0) % 3;
      }
      for (const a of animators) {
        if (k % 400 === 100) a.reflex((k / 400) % REFLEXES.length | 0, now);
        if (k % 1000 === 600) a.sleep(true);
        if (k % 1000 === 800) a.sleep(false);
      }
      const frames = animators.map((a) => hex(a.update(now, state)));
      if (frames[0] !== frames[1]) differing++;
      if (frames[0] !== previous) changes++;
      previous = frames[0];
    }
    expect(differing).toBe(0);
    expect(changes).toBeGreaterThan(500); // the face moved: this compared animation, not a still
  });
});
