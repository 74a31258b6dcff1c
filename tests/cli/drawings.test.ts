/*
 * Packing drawings as a maker does: dark ink on cream paper, one distinct face per emotion and
 * nothing in between (examples/inbetweens/keys, README there). They are inverted (and the output says
 * so), fitted whole (contain), thresholded (line art), their eyes are found, and the decoder is fitted
 * to them (inversion, then fine-tuning with geometric in-betweens): every drawing decodes to 98% of its
 * pixels, and the morph of calm into joy bends the mouth: in the pixels the transition changes, its
 * midpoint is nearer the drawn half-smile (examples/inbetweens/between, never packed) than the
 * crossfade is, by the margin the bench's goal asks, and nearer than either end. A photo-like image
 * is dithered.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { openPack } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { unpack } from "../../tools/faces/render.js";
import { crossfade } from "../../modules/face/animator.js";
import { latentSize } from "../../modules/pack/pack.js";
import { agreement, decodeMany } from "../../tools/decoder/invert.js";
import { changedRegion, regionIoU } from "../../tools/decoder/evaluate.js";
import { loadImage } from "../../tools/faces/sources.js";
import { INBETWEENS_DIR, PAIRS, betweenFile } from "../../bench/drawings/hand.js";
import { moodface, moodfaceAsync, tempDir } from "../helpers/cli.js";

const iou = (a: Uint8Array, b: Uint8Array) => {
  let i = 0;
  let u = 0;
  for (let k = 0; k < a.length; k++) {
    i += a[k] & b[k];
    u += a[k] | b[k];
  }
  return i / u;
};

function frames(file: string): Uint8Array[] {
  const b = new Uint8Array(readFileSync(file));
  const p = openPack(b.buffer, file);
  if (!p.ok) throw new Error(p.error);
  const faces = new PackFaces(p.pack);
  return Array.from({ length: faces.count }, (_, i) => {
    const f = new Uint8Array(1024);
    faces.copyFrame(i, f);
    return unpack(f);
  });
}

describe("moodface pack of drawings", () => {
  const dir = tempDir();
  const src = join(INBETWEENS_DIR, "keys");

  test("dark-on-light drawings: inverted, whole, thresholded, eyes found, and they morph", async () => {
    const out = join(dir, "mine.bin");
    const r = await moodfaceAsync(["pack", src, "-o", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("inverted 8 of 8 (light border, dark ink on paper");
    expect(r.stdout).toContain("8 line art thresholded at 128");
    expect(r.stdout).toContain("eye boxes found in 8 of 8");
    // Never seen by the decoder: inverted, then the decoder fine-tuned on them.
    expect(r.stdout).toMatch(/inversion: 8 keyframes in/);
    expect(r.stdout).toMatch(/fine-tuning: \d keyframes? under 98\.0% by inversion; .*within budget; 8 of 8 keyframes at 98\.0% or more .*shipped/);
    // ... on their in-betweens too: every pair of the eight, its ink moved part by part.
    expect(r.stdout).toContain("in-betweens: the ink of 28 pairs of new keyframes moved");
    expect(r.stdout).toContain("latents: 8 of 8 keyframes morph");
    const b = new Uint8Array(readFileSync(out));
    const p = openPack(b.buffer, out);
    if (!p.ok) throw new Error(p.error);
    expect(p.pack.modelLength).toBeGreaterThan(0);
    // Measured here, not taken from the output: each drawing from its latent through the packed model.
    const model = join(dir, "mine.tflite");
    writeFileSync(model, b.subarray(p.pack.modelOffset, p.pack.modelOffset + p.pack.modelLength));
    const dims = latentSize(p.pack);
    const latent = (i: number) => Array.from(new Int8Array(b.buffer, p.pack.latentsOffset + 4 + i * (1 + dims) + 1, dims));
    const packed = new PackFaces(p.pack);
    const frame = (i: number) => {
      const f = new Uint8Array(1024);
      packed.copyFrame(i, f);
      return f;
    };
    const decoded = decodeMany(model, Array.from({ length: packed.count }, (_, i) => latent(i)));
    for (let i = 0; i < packed.count; i++) {
      expect([i, agreement(decoded[i], frame(i)) >= 0.98]).toEqual([i, true]);
      // Its own drawing, not a look-alike: of all the pack's frames, the decoded latent is nearest its own.
      const scores = Array.from({ length: packed.count }, (_, k) => iou(unpack(decoded[i]), unpack(frame(k))));
      expect([i, scores.indexOf(Math.max(...scores))]).toEqual([i, i]);
    }
    // Calm to joy, the mouth bending: the drawn half-smile was never packed.
    const pair = PAIRS.find((q) => q.a === "calm" && q.b === "joy")!;
    const truth = await loadImage(betweenFile(pair), { fit: "contain", invert: "auto", dither: "auto", level: 128 });
    const a = [...Array(packed.count).keys()].find((i) => packed.emotion(i) === EMOTIONS.indexOf("calm"))!;
    const z = [...Array(packed.count).keys()].find((i) => packed.emotion(i) === EMOTIONS.indexOf("joy"))!;
    const region = changedRegion(frame(a), frame(z));
    const [morph] = decodeMany(model, [latent(a).map((v, j) => Math.round((v + latent(z)[j]) / 2))]);
    const fade = new Uint8Array(1024);
    crossfade(frame(a), frame(z), 8, fade);
    const morphed = regionIoU(morph, truth, region);
    expect(morphed).toBeGreaterThanOrEqual(regionIoU(fade, truth, region) + 0.1);
    // ... and nearer than either end: the mouth moves, it does not sit on one face and then jump.
    expect(morphed).toBeGreaterThan(regionIoU(frame(a), truth, region));
    expect(morphed).toBeGreaterThan(regionIoU(frame(z), truth, region));
    for (const bits of frames(out)) {
      const lit = bits.reduce((a, v) => a + v, 0);
      expect(lit / bits.length).toBeLessThan(0.2); // not an all-white screen
      expect(lit).toBeGreaterThan(100);
      // contain: the mouth (the lowest ink on the paper) is on the screen, above the letterbox's edge.
      const rows = Array.from({ length: 64 }, (_, y) => bits.subarray(y * 128, y * 128 + 128).some((v) => v === 1));
      expect(rows.lastIndexOf(true)).toBeGreaterThan(40);
      expect(rows.lastIndexOf(true)).toBeLessThan(63);
    }
    // Eye boxes are in the pack: left and right, in the upper half.
    const faces = new PackFaces(p.pack);
    const boxes = new Int16Array(8);
    expect(faces.eyes(0, boxes)).toBe(2);
    expect(boxes[0]).toBeLessThan(64);
    expect(boxes[4]).toBeGreaterThanOrEqual(64);
    expect(Math.max(boxes[3], boxes[7])).toBeLessThan(40);
  }, 600_000); // fitting takes 1-3 minutes on shared cores (the bench times it); this is a safety net, not a timing

  test("--invert no keeps them as drawn (mostly lit), and says nothing about inverting", async () => {
    const out = join(dir, "raw.bin");
    const r = moodface(["pack", src, "-o", out, "--invert", "no", "--no-decoder"]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("inverted");
    const bits = frames(out)[0];
    expect(bits.reduce((a, v) => a + v, 0) / bits.length).toBeGreaterThan(0.5);
  });

  test("a photo-like image (smooth tones) is dithered, line art is not", async () => {
    const photo = join(dir, "photos");
    mkdirSync(photo);
    const gradient = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="256" height="128"><defs><radialGradient id="g"><stop offset="0" stop-color="#ddd"/><stop offset="1" stop-color="#333"/></radialGradient></defs><rect width="256" height="128" fill="url(#g)"/></svg>`);
    for (const e of EMOTIONS) await sharp(gradient).png().toFile(join(photo, `${e}-mild.png`));
    const r = moodface(["pack", photo, "-o", join(dir, "photo.bin"), "--no-decoder"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("8 photos (over 30% mid-tones) dithered (floyd)");
  });

  test("the drawing template: 256x128, and its guides vanish when packed", async () => {
    const t = join(dir, "template.png");
    const r = moodface(["template", "-o", t]);
    expect(r.status).toBe(0);
    const meta = await sharp(t).metadata();
    expect([meta.width, meta.height]).toEqual([256, 128]);
    const blank = join(dir, "blank");
    mkdirSync(blank);
    for (const e of EMOTIONS) await sharp(t).toFile(join(blank, `${e}-mild.png`));
    const p = moodface(["pack", blank, "-o", join(dir, "blank.bin"), "--no-decoder"]);
    expect(p.status).toBe(0);
    for (const bits of frames(join(dir, "blank.bin"))) expect(bits.every((v) => v === 0)).toBe(true);
    expect(readFileSync("docs/templates/face-template.png").equals(readFileSync(t))).toBe(true);
  });
});
