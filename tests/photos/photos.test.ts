/*
 * Photos to keyframes (docs/photos.md): detection on face-api's own demo photos (read from
 * node_modules, never committed), bad inputs, the pack and its preview, and latent inversion.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { moodface, tempDir } from "../helpers/cli.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { openPack, latentSize } from "../../modules/pack/pack.js";
import { crossfade } from "../../modules/face/animator.js";
import { expression, lerpParams, NEUTRAL } from "../../tools/faces/face.js";
import { renderFace } from "../../tools/faces/render.js";
import { decodeMany, invert, readLatents } from "../../tools/decoder/invert.js";

const demo = join(REPO_ROOT, "node_modules", "@vladmandic", "face-api", "demo");
const truth = JSON.parse(readFileSync(join(REPO_ROOT, "tests", "photos", "samples.json"), "utf8")) as { photos: Record<string, { faces: number; profiles?: number[]; labels: string[] }>; minimumAgreement: number };
const names = Object.keys(truth.photos);

interface Inspected {
  file: string;
  faces: { index: number; box: { x: number; y: number; width: number; height: number }; landmarks: { x: number; y: number }[]; expressions: Record<string, number>; label: { expression: string; emotion: string; band: number; confidence: number }; ink: { eyes: boolean; mouth: boolean } }[];
  problems: string[];
  seconds: number;
}

function inspect(files: string[]): Inspected[] {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "tools", "photos", "inspect.ts"), ...files], { encoding: "utf8", cwd: REPO_ROOT, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe("the sample photos", () => {
  let first: Inspected[];
  let second: Inspected[];
  beforeAll(() => {
    first = inspect(names.map((n) => join(demo, n)));
    second = inspect(names.map((n) => join(demo, n)));
  });

  test("every face a person can see is found, and no other; profiles are refused with a reason", () => {
    for (const [i, n] of names.entries()) {
      const profiles = truth.photos[n].profiles ?? [];
      expect([n, first[i].faces.length + first[i].problems.filter((p) => /face \d/.test(p)).length]).toEqual([n, truth.photos[n].faces]);
      expect([n, first[i].faces.length]).toEqual([n, truth.photos[n].faces - profiles.length]);
      expect([n, first[i].problems.map((p) => Number(/face (\d+) at \d+,\d+: turned away from the camera \(a profile: frontality 0\.\d\d, at least 0\.15\)/.exec(p)?.[1])).filter(Boolean)]).toEqual([n, profiles]);
    }
  });

  test("the 68 landmarks lie inside the face box (grown by a fifth for the brows and chin)", () => {
    for (const r of first) {
      for (const f of r.faces) {
        expect(f.landmarks).toHaveLength(68);
        const gx = f.box.width * 0.2;
        const gy = f.box.height * 0.2;
        for (const p of f.landmarks) {
          expect(p.x).toBeGreaterThanOrEqual(f.box.x - gx);
          expect(p.x).toBeLessThanOrEqual(f.box.x + f.box.width + gx);
          expect(p.y).toBeGreaterThanOrEqual(f.box.y - gy);
          expect(p.y).toBeLessThanOrEqual(f.box.y + f.box.height + gy);
        }
      }
    }
  });

  test("each sketch has ink where the eyes and the mouth are", () => {
    for (const r of first) for (const f of r.faces) expect([r.file, f.ink]).toEqual([r.file, { eyes: true, mouth: true }]);
  });

  test("labels are the same run to run", () => {
    expect(second.map((r) => r.faces.map((f) => [f.label.expression, f.label.emotion, f.label.band, f.label.confidence.toFixed(6)]))).toEqual(first.map((r) => r.faces.map((f) => [f.label.expression, f.label.emotion, f.label.band, f.label.confidence.toFixed(6)])));
  });

  test("the recognised expression agrees with a person's labels on most faces", () => {
    let agree = 0;
    let all = 0;
    names.forEach((n, i) => {
      first[i].faces.forEach((f) => {
        all++;
        if (f.label.expression === truth.photos[n].labels[f.index]) agree++;
      });
    });
    process.stdout.write(`expression agreement with a person's labels: ${agree}/${all}\n`);
    expect(agree / all).toBeGreaterThanOrEqual(truth.minimumAgreement);
  });
});

describe("moodface pack --photos", () => {
  const dir = tempDir();
  const photos = join(dir, "photos");
  const out = join(dir, "photos.bin");
  let r: ReturnType<typeof moodface>;
  beforeAll(async () => {
    spawnSync("mkdir", ["-p", photos]);
    copyFileSync(join(demo, "sample3.jpg"), join(photos, "group.jpg"));
    await sharp({ create: { width: 640, height: 480, channels: 3, background: "#808080" } }).png().toFile(join(photos, "blank.png"));
    const noise = Buffer.alloc(320 * 240 * 3);
    let s = 12345;
    for (let i = 0; i < noise.length; i++) noise[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    await sharp(noise, { raw: { width: 320, height: 240, channels: 3 } }).png().toFile(join(photos, "noise.png"));
    await sharp({ create: { width: 10000, height: 10000, channels: 3, background: "#ffffff" } }).png({ compressionLevel: 1 }).toFile(join(photos, "huge.png"));
    const jpeg = readFileSync(join(demo, "sample6.jpg"));
    writeFileSync(join(photos, "truncated.jpg"), jpeg.subarray(0, jpeg.length >> 1));
    // A face with an alpha channel (half transparent border): the face is still found.
    const { data, info } = await sharp(await sharp(join(demo, "sample5.jpg")).resize(1600).toBuffer()).extract({ left: 780, top: 20, width: 440, height: 440 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let y = 0; y < info.height; y++) for (let x = 0; x < 40; x++) data[(y * info.width + x) * 4 + 3] = 0;
    await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toFile(join(photos, "alpha.png"));
    // A face cut through by the edge of the photo.
    await sharp(await sharp(join(demo, "sample5.jpg")).resize(1600).toBuffer()).extract({ left: 990, top: 100, width: 200, height: 260 }).jpeg().toFile(join(photos, "cut.jpg"));
    writeFileSync(join(photos, "labels.json"), JSON.stringify({ "group.jpg#1": "power-strong" }));
    r = moodface(["pack", "--photos", photos, "-o", out]);
  });

  test("bad photos get one line each naming the file and the reason; the rest still packs", () => {
    expect(r.status).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("moodface:"));
    expect(lines.find((l) => l.includes("blank.png"))).toMatch(/blank\.png: no face found/);
    expect(lines.find((l) => l.includes("noise.png"))).toMatch(/noise\.png: no face found/);
    expect(lines.find((l) => l.includes("huge.png"))).toMatch(/huge\.png: no face found/);
    expect(lines.find((l) => l.includes("truncated.jpg"))).toMatch(/truncated\.jpg: not a readable image/);
    const cut = lines.filter((l) => l.includes("cut.jpg"));
    expect(cut.length).toBeGreaterThan(0);
    for (const l of cut) expect(l).toMatch(/cut\.jpg: (face \d at \d+,\d+: cut off by the edge of the photo|no face found)$/);
    expect(lines.some((l) => l.includes("alpha.png"))).toBe(false);
    expect(lines.some((l) => l.includes("group.jpg"))).toBe(false);
  });

  test("slots come from the photos (labels.json overrides) and the generator, and the output says which", () => {
    expect(r.stdout).toMatch(/24 keyframes, \d+ from \d+ faces in 7 photos/);
    expect(r.stdout).toMatch(/power-strong\s+\S+group\.jpg face 1 \(labels\.json\)/);
    expect(r.stdout).toMatch(/joy-strong\s+\S+(group|alpha)\.(jpg|png) face \d \(happy \d+%\)/);
    expect(r.stdout).toMatch(/fear-mild\s+generated/);
    expect(r.stdout).toMatch(/reconstruction/);
    // The photo sketches are new to the decoder: inverted, then the decoder fine-tuned within budget,
    // after which every keyframe decodes to 98% and morphs closer to the true in-between than a crossfade.
    expect(r.stdout).toMatch(/fine-tuning: \d+ keyframes? under 98\.0% by inversion; the decoder fine-tuned on the pack's 24 keyframes in \d+ s \(\d+ steps, seed 1\): 442368 MACs, 28240 bytes of weights, .*within budget; 24 of 24 keyframes at 98\.0% or more/);
    expect(r.stdout).toContain("latents: 24 of 24 keyframes morph");
    const m = /transitions: midpoint IoU ([\d.]+) through the decoder vs ([\d.]+) crossfade, against the true in-between of (\d+) pairs/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(Number(m![2]));
    expect(Number(m![3])).toBeGreaterThan(100);
    // Pairs of two photo sketches, where the fitting had to make the morph (generated pairs morph anyway).
    const photos = /between two new keyframes ([\d.]+) vs ([\d.]+) \((\d+) pairs\)/.exec(r.stdout);
    expect(photos).not.toBeNull();
    expect(Number(photos![3])).toBeGreaterThan(0);
    expect(Number(photos![1])).toBeGreaterThan(Number(photos![2]));
    const b = new Uint8Array(readFileSync(out));
    const opened = openPack(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), out);
    expect(opened.ok).toBe(true);
    if (opened.ok) {
      expect(opened.pack.count).toBe(24);
      expect(latentSize(opened.pack)).toBe(8);
    }
  });

  test("--strict fails on the first bad photo with one line naming it", () => {
    const s = moodface(["pack", "--photos", photos, "-o", join(dir, "strict.bin"), "--strict"]);
    expect(s.status).toBe(1);
    expect(s.stderr.trim().split("\n")).toHaveLength(1);
    expect(s.stderr).toMatch(/^moodface: \S+(blank\.png|alpha\.png): .*--strict/);
  });

  test("moodface preview shows photo, sketch and label side by side", async () => {
    const p = moodface(["preview", out, "-o", join(dir, "preview")]);
    expect(p.status).toBe(0);
    const sheet = await sharp(join(dir, "preview", "contact-sheet.png")).metadata();
    expect(sheet.width).toBe(3 * (128 * 2 * 2 + 12) + 8);
    const plain = moodface(["preview", "frames/frames.bin", "-o", join(dir, "plain")]);
    expect(plain.status).toBe(0);
    expect((await sharp(join(dir, "plain", "contact-sheet.png")).metadata()).width).not.toBe(sheet.width);
  });
});

describe("a frames manifest with photos", () => {
  test("packs the photos folder it names, and refuses photos and entries together", async () => {
    const dir = tempDir();
    spawnSync("mkdir", ["-p", join(dir, "pics")]);
    await sharp({ create: { width: 200, height: 100, channels: 3, background: "#000000" } }).png().toFile(join(dir, "pics", "dark.png"));
    writeFileSync(join(dir, "frames.json"), JSON.stringify({ format: "moodface-frames", version: 1, photos: "pics" }));
    const r = moodface(["pack", join(dir, "frames.json"), "-o", join(dir, "m.bin"), "--no-decoder"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/pics\/dark\.png: no face found/);
    expect(r.stdout).toMatch(/24 keyframes, 0 from 0 faces in 1 photos, 24 generated/);
    writeFileSync(join(dir, "frames.json"), JSON.stringify({ format: "moodface-frames", version: 1, photos: "pics", entries: [{ file: "a.png", emotion: "joy", intensity: "mild" }] }));
    const both = moodface(["pack", join(dir, "frames.json"), "-o", join(dir, "m.bin")]);
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/^moodface: \S+frames\.json: give either photos or entries, not both\n$/);
  });
});

describe("inversion", () => {
  test("a face the decoder never saw reconstructs to 98% and morphs to a default keyframe better than a crossfade", async () => {
    // Held out: a blend of joy and sadness at 0.4; the training set has random blends, never this one.
    const held = lerpParams(expression("joy", 1), expression("sad", 1), 0.4);
    const target = await renderFace(held);
    const doc = readLatents(join(REPO_ROOT, "frames", "latents.json"));
    const model = join(REPO_ROOT, "frames", "decoder.tflite");
    const inv = invert(model, target, doc.keyframes, 1);
    expect(inv.agreement).toBeGreaterThanOrEqual(0.98);
    expect(invert(model, target, doc.keyframes, 1).latent).toEqual(inv.latent);
    const calm = doc.keyframes[7 * 3 + 1];
    const mid = inv.latent.map((v, j) => Math.round((v + calm[j]) / 2));
    const [decodedMid] = decodeMany(model, [mid]);
    const truthMid = await renderFace(lerpParams(held, expression("calm", 1), 0.5));
    const fade = new Uint8Array(1024);
    crossfade(target, await renderFace(expression("calm", 1)), 8, fade);
    const iou = (a: Uint8Array, b: Uint8Array) => {
      let i = 0;
      let u = 0;
      for (let k = 0; k < a.length; k++) for (let bit = 0; bit < 8; bit++) {
        const x = (a[k] >> bit) & 1;
        const y = (b[k] >> bit) & 1;
        i += x & y;
        u += x | y;
      }
      return i / u;
    };
    expect(iou(decodedMid, truthMid)).toBeGreaterThan(iou(fade, truthMid));
    expect(NEUTRAL.zoom).toBe(1);
  });
});
