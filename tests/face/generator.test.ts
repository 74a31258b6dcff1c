import { readFileSync } from "node:fs";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { openPack } from "../../modules/pack/pack.js";
import { PackFaces, chooseKeyframe, type FaceSource } from "../../modules/face/faces.js";
import { Animator, BLINK_EVERY_MS, BLINK_FRAME_MS } from "../../modules/face/animator.js";
import { BLINK_PERMILLE } from "../../modules/face/blink.js";
import { writePack } from "../../tools/faces/pack-writer.js";
import { listSources, loadEntries } from "../../tools/faces/sources.js";
import { BAND_NAMES } from "../../tools/faces/defaults.js";
import { blinkStage, eyeBoxes, expression, gazeDirection, lerpParams, NEUTRAL, faceSvg, FACE_STYLES, type FaceParams, type FaceStyle } from "../../tools/faces/face.js";
import { faceGrey, renderFace, toOneBit, unpack, W } from "../../tools/faces/render.js";

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
    const p = expression("power", 0);
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

  /** Every keyframe of both styles, and each one's blink stages and nine gaze directions. */
  const keyframes = EMOTIONS.flatMap((e) => [0, 1, 2].map((b) => ({ name: `${e}-${b}`, p: expression(e, b) })));
  const variants = (p: FaceParams) => [p, ...[0, 1, 2, 3, 4, 5, 6].map((s) => blinkStage(p, s)), ...([-1, 0, 1] as const).flatMap((x) => ([-1, 0, 1] as const).map((y) => gazeDirection(p, x, y)))];
  const bits = async (p: FaceParams, style: FaceStyle, only?: "eyes" | "brows") => unpack(await renderFace(p, undefined, { style, only }));
  const diff = (a: Uint8Array, b: Uint8Array) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
  const within = (i: number, b: { x0: number; y0: number; x1: number; y1: number }) => {
    const x = i % W;
    const y = (i / W) | 0;
    return x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;
  };

  test.each(FACE_STYLES)("%s: the 24 keyframes are pairwise distinct by a margin, mild ones included, and no mild face looks calm", async (style) => {
    // At least this many pixels differ between any two keyframes (2.4% of the screen in bold).
    const margin = style === "bold" ? 200 : 150;
    const frames = await Promise.all(keyframes.map((k) => bits(k.p, style)));
    const close: string[] = [];
    for (let i = 0; i < frames.length; i++) for (let j = i + 1; j < frames.length; j++) if (diff(frames[i], frames[j]) < margin) close.push(`${keyframes[i].name}/${keyframes[j].name}`);
    expect(close).toEqual([]);
    const calm = frames[keyframes.findIndex((k) => k.name === "calm-0")];
    for (const [i, k] of keyframes.entries()) if (k.name.endsWith("-0") && k.name !== "calm-0") expect([k.name, diff(frames[i], calm) >= margin]).toEqual([k.name, true]);
  });

  /** Pixels that differ between two frames in rows y0..y1-1, or inside boxes. */
  const diffRows = (a: Uint8Array, b: Uint8Array, y0: number, y1: number) => {
    let n = 0;
    for (let i = y0 * W; i < y1 * W; i++) n += a[i] !== b[i] ? 1 : 0;
    return n;
  };
  const diffIn = (a: Uint8Array, b: Uint8Array, boxes: { x0: number; y0: number; x1: number; y1: number }[]) => a.reduce((n, v, i) => n + (v !== b[i] && boxes.some((box) => within(i, box)) ? 1 : 0), 0);
  /** The mouth's rows: below the eyes' lowest box (42 at every keyframe's zoom) to the bottom. */
  const MOUTH_ROWS = [42, 64] as const;
  const MOUTH = ["mouthCurve", "mouthOpen", "mouthWidth", "mouthSkew", "teeth"] as const;

  test("the faces a fresh viewer mixed up differ by their own cues, not only by a margin (issue 21)", async () => {
    const b = (e: Parameters<typeof expression>[0], band: number, extra: Partial<FaceParams> = {}) => bits({ ...expression(e, band), ...extra }, "bold");
    const found: string[] = [];
    const want = (what: string, n: number, least: number) => {
      if (n < least) found.push(`${what}: ${n} < ${least}`);
    };
    // Power has steady, fully open eyes, calm relaxed lids (mild) or shut ones: the eyes alone tell
    // them apart, in every band.
    for (let band = 0; band < 3; band++) {
      const power = await b("power", band);
      const calm = await b("calm", band);
      const boxes = eyeBoxes(expression("power", band));
      want(`power/calm band ${band}, eyes`, diffIn(power, calm, boxes), 300);
      // How tall the eyes are: rows the eyes alone light.
      const eyeRows = async (e: "power" | "calm") => {
        const eyes = await bits(expression(e, band), "bold", "eyes");
        let rows = 0;
        for (let y = 0; y < 64; y++) if (eyes.subarray(y * W, (y + 1) * W).some((v) => v)) rows++;
        return rows;
      };
      want(`power band ${band} eyes taller than calm's by 4 rows`, (await eyeRows("power")) - (await eyeRows("calm")), 4);
    }
    // Joy mild against calm mild: a squint and an open smile against relaxed lids and a closed smile.
    const joy = await b("joy", 0);
    const calm = await b("calm", 0);
    want("joy/calm mild, eyes", diffIn(joy, calm, eyeBoxes(expression("joy", 0))), 300);
    want("joy/calm mild, mouth", diffRows(joy, calm, ...MOUTH_ROWS), 100);
    // Love mild against joy mild: heart pupils and blush against round pupils, a closed smile against an open one.
    const love = await b("love", 0);
    want("love/joy mild, eyes", diffIn(love, joy, eyeBoxes(expression("love", 0))), 100);
    want("love/joy mild, mouth and blush", diffRows(love, joy, ...MOUTH_ROWS), 100);
    want("love mild without its blush and hearts against itself", diffRows(love, await b("love", 0, { blush: 0 }), 36, 48), 10);
    // Fear mild against surprise mild, the sweat drop taken away: brows pulled together and a
    // stretched mouth against high round brows and an O.
    const fear = await b("fear", 0, { sweat: 0 });
    const surprise = await b("surprise", 0, { sweat: 0 });
    want("fear/surprise mild without sweat, brows", diffRows(fear, surprise, 0, 18), 100);
    want("fear/surprise mild without sweat, mouth", diffRows(fear, surprise, ...MOUTH_ROWS), 80);
    // Mad and sad grade intensity beyond the brows: the strong face with the mild face's mouth (and
    // tear) differs from itself in the mouth rows.
    for (const e of ["mad", "sad"] as const) {
      const mild = expression(e, 0);
      const strong = expression(e, 2);
      const mildMouth = Object.fromEntries(MOUTH.map((k) => [k, mild[k]]));
      want(`${e} strong, mouth against the mild mouth`, diffRows(await b(e, 2), await b(e, 2, mildMouth), ...MOUTH_ROWS), 100);
    }
    // Sad's tear grows: mild a small drop, strong a stream under both eyes.
    const sad = expression("sad", 2);
    const tearInk = async (band: number) => ink(await renderFace(expression("sad", band))) - ink(await renderFace({ ...expression("sad", band), tear: 0 }));
    want("sad strong tear ink over mild's x2", (await tearInk(2)) - 2 * (await tearInk(0)), 1);
    const [left] = eyeBoxes(sad);
    const both = await b("sad", 2);
    const noTear = await b("sad", 2, { tear: 0 });
    want("sad strong, a tear under the left eye", diffIn(both, noTear, [{ x0: left.x0, y0: left.y1 + 1, x1: left.x1, y1: 63 }]), 15);
    expect(found).toEqual([]);
  });

  test.each(FACE_STYLES)("%s: nothing is clipped by the screen edge (keyframes at their zoom, every blink and gaze stage)", async (style) => {
    const m = 6;
    const w = W + 2 * m;
    const clipped: string[] = [];
    for (const k of keyframes) {
      for (const q of variants(k.p)) {
        const wide = toOneBit(await faceGrey(q, { style, margin: m })).subarray(0, w * (64 + 2 * m));
        let outside = 0;
        // Ink beyond the screen, or on its outermost pixel (breathing lifts the face by one).
        for (let y = 0; y < 64 + 2 * m; y++) for (let x = 0; x < w; x++) if (wide[y * w + x] && (x <= m || x >= m + 127 || y <= m || y >= m + 63)) outside++;
        if (outside > 0) clipped.push(`${k.name} eyeOpen ${q.eyeOpen.toFixed(2)} gaze ${q.gazeX},${q.gazeY}: ${outside}`);
      }
    }
    expect(clipped).toEqual([]);
  });

  test.each(FACE_STYLES)("%s: eye boxes hold the whole eye and never a brow pixel, at every keyframe, blink and gaze stage", async (style) => {
    const bad: string[] = [];
    for (const k of keyframes) {
      const keyBoxes = eyeBoxes(k.p, style);
      for (const q of variants(k.p)) {
        const boxes = eyeBoxes(q, style);
        const brows = await bits(q, style, "brows");
        const eyes = await bits(q, style, "eyes");
        let browIn = 0;
        let eyeOut = 0;
        let gazeOut = 0;
        for (let i = 0; i < brows.length; i++) {
          if (brows[i] && boxes.some((b) => within(i, b))) browIn++;
          if (eyes[i] && !boxes.some((b) => within(i, b))) eyeOut++;
        }
        // The animator blinks and glances with the keyframe's own boxes: its gaze stages must fit them.
        if (q.eyeOpen === k.p.eyeOpen) for (let i = 0; i < eyes.length; i++) if (eyes[i] && !keyBoxes.some((b) => within(i, b))) gazeOut++;
        if (browIn + eyeOut + gazeOut > 0) bad.push(`${k.name} eyeOpen ${q.eyeOpen.toFixed(2)} gaze ${q.gazeX},${q.gazeY}: brow in box ${browIn}, eye outside ${eyeOut}, gaze outside keyframe box ${gazeOut}`);
      }
      const brows = await bits(k.p, style, "brows");
      expect(brows.some((v) => v)).toBe(true);
      // The firmware blinks and glances the keyframe's own pixels within its own boxes: not one of
      // the keyframe's brow pixels may lie in them.
      let keyBrowIn = 0;
      for (let i = 0; i < brows.length; i++) if (brows[i] && keyBoxes.some((b) => within(i, b))) keyBrowIn++;
      if (keyBrowIn > 0) bad.push(`${k.name}: ${keyBrowIn} brow pixels of the keyframe in its own eye boxes`);
    }
    expect(bad).toEqual([]);
  });

  /** A pack's keyframes as the firmware sees them: bold is the shipped frames.bin, outline is frames/defaults-outline packed as `moodface pack` does. */
  const packed = async (style: FaceStyle): Promise<FaceSource> => {
    let bytes: Uint8Array;
    if (style === "bold") bytes = new Uint8Array(readFileSync("frames/frames.bin"));
    else {
      const { base, entries } = listSources("frames/defaults-outline");
      bytes = writePack({ entries: await loadEntries(base, entries, { fit: "contain", invert: "auto", dither: "auto" }) });
    }
    const r = openPack(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, `${style}.bin`);
    if (!r.ok) throw new Error(r.error);
    return new PackFaces(r.pack);
  };

  test.each(FACE_STYLES)("%s: the firmware's blinks on the packed keyframes move only what lies in their stored eye boxes, never a brow, tear or mouth pixel", async (style) => {
    const faces = await packed(style);
    expect(faces.count).toBe(24);
    const boxes = new Int16Array(8);
    const bad: string[] = [];
    for (let k = 0; k < faces.count; k++) {
      const name = `${EMOTIONS[faces.emotion(k)]}-${BAND_NAMES[faces.band(k)]}`;
      const p = expression(EMOTIONS[faces.emotion(k)], faces.band(k));
      const key = new Uint8Array(1024);
      faces.copyFrame(k, key);
      const keyBits = unpack(key);
      // The packed keyframe is the generator's face, and its stored boxes are the generator's.
      expect([name, Buffer.from(key).equals(Buffer.from(await renderFace(p, undefined, { style })))]).toEqual([name, true]);
      expect(faces.eyes(k, boxes)).toBe(2);
      const stored = [0, 1].map((e) => ({ x0: boxes[4 * e], y0: boxes[4 * e + 1], x1: boxes[4 * e + 2], y1: boxes[4 * e + 3] }));
      expect([name, stored]).toEqual([name, eyeBoxes(p, style)]);
      // Everything that is not eye: the keyframe's lit pixels that the eyes alone do not light.
      const eyesOnly = await bits(p, style, "eyes");
      const brows = await bits(p, style, "brows");
      let browIn = 0;
      for (let i = 0; i < brows.length; i++) if (brows[i] && stored.some((b) => within(i, b))) browIn++;
      if (browIn > 0) bad.push(`${name}: ${browIn} brow pixels in the stored eye boxes`);
      // The animator itself, blinking only, on this keyframe: every blink frame (stages 0..6 of
      // modules/face/blink.ts) against the keyframe.
      const a = new Animator(faces, { seed: k + 1, saccades: false, breathing: false });
      const state = { dominant: faces.emotion(k), band: faces.band(k), nuance: faces.nuance(k) };
      expect(chooseKeyframe(faces, state.dominant, state.band, state.nuance)).toBe(k);
      let frames = 0;
      let moved = 0;
      for (let t = 0; t <= BLINK_EVERY_MS[1] + (BLINK_PERMILLE.length + 1) * BLINK_FRAME_MS && frames < BLINK_PERMILLE.length; t += BLINK_FRAME_MS) {
        const out = unpack(a.update(t, state));
        if (!a.blinking) {
          if (frames === 0) expect(Buffer.from(out).equals(Buffer.from(keyBits))).toBe(true);
          continue;
        }
        frames++;
        let outside = 0;
        let stray = 0;
        for (let i = 0; i < out.length; i++) {
          if (out[i] === keyBits[i]) continue;
          moved++;
          if (!stored.some((b) => within(i, b))) outside++;
          if (keyBits[i] && !eyesOnly[i]) stray++;
        }
        if (outside + stray > 0) bad.push(`${name} blink frame ${frames}: ${outside} pixels changed outside the eye boxes, ${stray} pixels of brow, tear, blush or mouth moved`);
      }
      expect([name, frames]).toEqual([name, BLINK_PERMILLE.length]);
      expect(moved).toBeGreaterThan(0);
    }
    expect(bad).toEqual([]);
  });

  test("bold: brows are at least 3 px thick, eyes are filled, pupils dark with a lit highlight", async () => {
    for (const k of keyframes) {
      const brows = await bits(k.p, "bold", "brows");
      // Every column a brow crosses holds at least 3 lit pixels of it (a 1-2 px line fades on a 0.96" panel).
      for (let x = 0; x < W; x++) {
        let n = 0;
        for (let y = 0; y < 64; y++) n += brows[y * W + x];
        if (n > 0 && n < 3) {
          // Only the rounded caps may be thinner: a column next to a thick one.
          let nb = 0;
          for (let y = 0; y < 64; y++) nb += brows[y * W + x - 1] + brows[y * W + x + 1];
          expect([k.name, x, nb > 0]).toEqual([k.name, x, true]);
        }
      }
    }
    const open = expression("power", 1);
    const bold = await bits(open, "bold");
    const outline = await bits(open, "outline");
    const [box] = eyeBoxes(open, "bold");
    const inBox = (f: Uint8Array) => f.reduce((n, v, i) => n + (v && within(i, box) ? 1 : 0), 0);
    const area = (box.x1 - box.x0 + 1) * (box.y1 - box.y0 + 1);
    expect(inBox(bold)).toBeGreaterThan(area * 0.4);
    expect(inBox(outline)).toBeLessThan(area * 0.3);
    // The pupil is a dark hole in the lit eye, with a lit highlight inside it.
    const cy = (box.y0 + box.y1) >> 1;
    const cx = (box.x0 + box.x1) >> 1;
    expect(bold[cy * W + cx]).toBe(0);
    let glint = 0;
    for (let y = cy - 5; y <= cy; y++) for (let x = cx - 5; x <= cx; x++) glint += bold[y * W + x];
    expect(glint).toBeGreaterThan(0);
    expect(glint).toBeLessThan(20);
  });

  test("the tear is a drop, not a dash; the surprised mouth is round, not a diamond", async () => {
    for (const style of FACE_STYLES) {
      const sad = expression("sad", 1);
      const tear = diff(await bits(sad, style), await bits({ ...sad, tear: 0 }, style));
      expect(tear).toBeGreaterThanOrEqual(30);
    }
    const surprise = await bits(expression("surprise", 2), "bold");
    // The mouth's lit rows below the eyes: widths at a quarter and three quarters of its height
    // stay near the widest (an ellipse keeps 87%, a diamond 50%).
    const rows: number[] = [];
    for (let y = 46; y < 64; y++) {
      let lo = W;
      let hi = -1;
      for (let x = 44; x < 84; x++) if (surprise[y * W + x]) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      if (hi >= 0) rows.push(hi - lo + 1);
    }
    expect(rows.length).toBeGreaterThan(8);
    const widest = Math.max(...rows);
    for (const at of [0.3, 0.7]) expect(rows[Math.round((rows.length - 1) * at)]).toBeGreaterThanOrEqual(widest * 0.75);
  });
});
