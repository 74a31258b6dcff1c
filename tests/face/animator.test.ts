import { readFileSync } from "node:fs";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { openPack } from "../../modules/pack/pack.js";
import { FallbackFaces, PackFaces, chooseKeyframe, type FaceSource } from "../../modules/face/faces.js";
import { Animator, BLINK_FRAME_MS, TRANSITION_MS } from "../../modules/face/animator.js";

function shippedFaces(): FaceSource {
  const b = new Uint8Array(readFileSync("frames/frames.bin"));
  const r = openPack(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), "frames.bin");
  if (!r.ok) throw new Error(r.error);
  return new PackFaces(r.pack);
}

const calm = { dominant: EMOTIONS.indexOf("calm"), band: 0, nuance: 255 };
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const keyframe = (s: FaceSource, i: number) => {
  const f = new Uint8Array(1024);
  s.copyFrame(i, f);
  return f;
};

describe("animator", () => {
  const faces = shippedFaces();

  test("every emotion and intensity is reachable on screen", () => {
    for (let e = 0; e < EMOTIONS.length; e++) {
      for (let band = 0; band < 3; band++) {
        const a = new Animator(faces, { blink: false, saccades: false, breathing: false });
        a.update(0, calm);
        a.update(10, { dominant: e, band, nuance: 255 });
        const out = a.update(10 + TRANSITION_MS, { dominant: e, band, nuance: 255 });
        const k = chooseKeyframe(faces, e, band, 255);
        expect([faces.emotion(k), faces.band(k)]).toEqual([e, band]);
        expect(same(out, keyframe(faces, k))).toBe(true);
      }
    }
  });

  test("a transition is a 400 ms dithered crossfade: in-between frames mix both faces", () => {
    const a = new Animator(faces, { blink: false, saccades: false, breathing: false });
    const from = keyframe(faces, chooseKeyframe(faces, EMOTIONS.indexOf("calm"), 0, 255));
    const joy = { dominant: EMOTIONS.indexOf("joy"), band: 2, nuance: 255 };
    const to = keyframe(faces, chooseKeyframe(faces, joy.dominant, 2, 255));
    expect(same(a.update(0, calm), from)).toBe(true);
    let previousFromPixels = Infinity;
    for (let t = 33; t < 33 + TRANSITION_MS; t += 33) {
      const out = a.update(t, joy);
      expect(a.transitioning).toBe(true);
      // Every lit pixel comes from one of the two faces.
      for (let i = 0; i < 1024; i++) expect(out[i] & ~(from[i] | to[i])).toBe(0);
      let fromOnly = 0;
      for (let i = 0; i < 1024; i++) fromOnly += popcount(out[i] & from[i] & ~to[i]);
      expect(fromOnly).toBeLessThanOrEqual(previousFromPixels);
      previousFromPixels = fromOnly;
    }
    expect(same(a.update(33 + TRANSITION_MS, joy), to)).toBe(true); // the transition began at 33 ms
    expect(a.transitioning).toBe(false);
  });

  test("blinks: 7 frames of 33 ms, every 3 to 10 s", () => {
    const a = new Animator(faces, { seed: 42, saccades: false, breathing: false });
    const base = keyframe(faces, chooseKeyframe(faces, calm.dominant, 0, 255));
    const starts: number[] = [];
    let blinkFrames = 0;
    let wasBlinking = false;
    for (let t = 0; t <= 120_000; t += BLINK_FRAME_MS) {
      const out = a.update(t, calm);
      if (a.blinking) {
        blinkFrames++;
        if (!wasBlinking) starts.push(t);
        if (blinkFrames > 0) expect(same(out, base)).toBe(false);
      }
      wasBlinking = a.blinking;
    }
    expect(starts.length).toBeGreaterThanOrEqual(12);
    expect(starts[0]).toBeGreaterThanOrEqual(3000);
    expect(starts[0]).toBeLessThanOrEqual(10_000 + BLINK_FRAME_MS);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(3000 + 7 * BLINK_FRAME_MS - BLINK_FRAME_MS);
      expect(g).toBeLessThanOrEqual(10_000 + 8 * BLINK_FRAME_MS + BLINK_FRAME_MS);
    }
    expect(blinkFrames).toBe(starts.length * 7);
  });

  test("saccades move the eyes within the screen, brows and mouth stay", () => {
    const a = new Animator(faces, { seed: 5, blink: false, breathing: false });
    const base = keyframe(faces, chooseKeyframe(faces, calm.dominant, 0, 255));
    const gazes = new Set<string>();
    for (let t = 0; t < 30_000; t += 33) {
      const out = a.update(t, calm);
      gazes.add(`${a.gazeX},${a.gazeY}`);
      expect(Math.abs(a.gazeX)).toBeLessThanOrEqual(12);
      // The mouth pages (rows 48-63) are untouched by eye movements.
      expect(same(out.subarray(6 * 128), base.subarray(6 * 128))).toBe(true);
    }
    expect(gazes.size).toBeGreaterThan(5);
  });

  test("deterministic: the same seed and times give the same frames; another seed differs", () => {
    const run = (seed: number) => {
      const a = new Animator(faces, { seed });
      const frames: string[] = [];
      for (let t = 0; t < 20_000; t += 33) frames.push(Buffer.from(a.update(t, t < 8000 ? calm : { dominant: 2, band: 1, nuance: 255 })).toString("base64"));
      return frames;
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  test("the fallback faces give every emotion a visible face", () => {
    const fb = new FallbackFaces();
    for (let e = 0; e < EMOTIONS.length; e++) {
      const a = new Animator(fb, { blink: false, saccades: false, breathing: false });
      const out = a.update(0, { dominant: e, band: 1, nuance: 255 });
      let lit = 0;
      for (const b of out) lit += popcount(b);
      expect(lit).toBeGreaterThan(100);
    }
  });
});

function popcount(b: number): number {
  let n = 0;
  for (; b; b &= b - 1) n++;
  return n;
}
