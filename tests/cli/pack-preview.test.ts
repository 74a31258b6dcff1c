import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { openPack } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { moodface, tempDir } from "../helpers/cli.js";
import { generateDefaults } from "../../tools/faces/defaults.js";
import { BLIND_COLUMNS, BLIND_GAP, BLIND_NUMBER_H, BLIND_SCALE, LABEL_H, LABEL_W, blindCell, type BlindKey } from "../../tools/faces/preview.js";
import { BAND_NAMES } from "../../tools/faces/defaults.js";

const open = (file: string) => {
  const b = new Uint8Array(readFileSync(file));
  return openPack(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), file);
};

describe("moodface pack", () => {
  test("packing the shipped defaults reproduces frames/frames.bin byte for byte", () => {
    const dir = tempDir();
    const out = join(dir, "frames.bin");
    const r = moodface(["pack", "frames/defaults", "-o", out]);
    expect(r.stderr).not.toMatch(/moodface:/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("24 keyframes");
    expect(readFileSync(out).equals(readFileSync("frames/frames.bin"))).toBe(true);
  });

  test("regenerating the defaults gives the committed keyframes (the generator is deterministic)", async () => {
    const dir = tempDir();
    await generateDefaults(join(dir, "defaults"));
    expect(readFileSync(join(dir, "defaults", "frames.json"), "utf8")).toBe(readFileSync("frames/defaults/frames.json", "utf8"));
    const r = moodface(["pack", join(dir, "defaults"), "-o", join(dir, "frames.bin"), "--decoder", "frames"]);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "frames.bin")).equals(readFileSync("frames/frames.bin"))).toBe(true);
  });

  test("takes JPEG and PNG of any size, fits or crops, and says which intensities are missing", async () => {
    const dir = tempDir();
    const src = join(dir, "faces");
    mkdirSync(src);
    // A white ring on black, 300x200, as JPEG for one emotion and PNG for the rest.
    const svg = (r: number) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="300" height="200" fill="#000"/><circle cx="150" cy="100" r="${r}" stroke="#fff" stroke-width="12" fill="none"/></svg>`);
    for (const [i, e] of EMOTIONS.entries()) {
      const img = sharp(svg(30 + 5 * i));
      if (i === 0) await img.jpeg().toFile(join(src, `${e}-2.jpg`));
      else await img.png().toFile(join(src, `${e}-medium.png`));
    }
    const out = join(dir, "mine.bin");
    const r = moodface(["pack", src, "-o", out, "--fit", "cover", "--dither", "bayer", "--no-decoder"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("no keyframe for fear-mild, fear-strong");
    const p = open(out);
    if (!p.ok) throw new Error(p.error);
    expect(p.pack.count).toBe(8);
    const faces = new PackFaces(p.pack);
    const f = new Uint8Array(1024);
    faces.copyFrame(0, f);
    expect(f.some((b) => b !== 0)).toBe(true);
  });

  test("a bad image fails with its file name and writes nothing", () => {
    const dir = tempDir();
    const src = join(dir, "faces");
    mkdirSync(src);
    for (const e of EMOTIONS) copyFileSync(`frames/defaults/${e}-mild.png`, join(src, `${e}-mild.png`));
    writeFileSync(join(src, "joy-strong.png"), "this is not a png");
    const out = join(dir, "x.bin");
    const r = moodface(["pack", src, "-o", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(src, "joy-strong.png")}: not a readable PNG or JPEG image`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith("x.bin"))).toEqual([]);
  });

  test("missing emotions are named", () => {
    const dir = tempDir();
    const src = join(dir, "faces");
    mkdirSync(src);
    copyFileSync("frames/defaults/joy-mild.png", join(src, "joy-mild.png"));
    const r = moodface(["pack", src, "-o", join(dir, "x.bin")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no keyframe for fear, mad, love, sad, surprise, power, calm");
  });
});

describe("moodface preview", () => {
  test("writes a labelled 4x contact sheet and an animated GIF that morphs through the pack's decoder", async () => {
    const dir = tempDir();
    const r = moodface(["preview", "frames/frames.bin", "-o", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("morphing through the pack's latent decoder");
    const { data, info } = await sharp(join(dir, "contact-sheet.png")).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(LABEL_W + 3 * (128 * 4 + 6) + 6);
    expect(info.height).toBe(LABEL_H + 8 * (64 * 4 + 6) + 6);
    // Text in the label strips: beside every row and above every column.
    const lit = (x0: number, y0: number, x1: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) n += data[y * info.width + x] > 128 ? 1 : 0;
      return n;
    };
    for (let row = 0; row < 8; row++) expect(lit(0, LABEL_H + 6 + row * 262, LABEL_W, LABEL_H + 6 + row * 262 + 256)).toBeGreaterThan(30);
    for (let col = 0; col < 3; col++) expect(lit(LABEL_W + 6 + col * 518, 0, LABEL_W + 6 + col * 518 + 512, LABEL_H)).toBeGreaterThan(30);
    const gif = await sharp(join(dir, "transitions.gif")).metadata();
    expect(gif.format).toBe("gif");
    expect(gif.pages).toBeGreaterThan(100);
  });

  test("a pack without a decoder previews with crossfades, and says so", () => {
    const dir = tempDir();
    expect(moodface(["pack", "frames/defaults", "--no-decoder", "-o", join(dir, "plain.bin")]).status).toBe(0);
    const r = moodface(["preview", join(dir, "plain.bin"), "-o", join(dir, "out")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("crossfading (the pack has no latent decoder)");
  });

  test("the outline style is generated, packed (without the bold faces' decoder) and previewed", async () => {
    const dir = tempDir();
    await generateDefaults(join(dir, "outline"), undefined, "outline");
    // Same bytes as the committed outline keyframes (frames/defaults-outline).
    for (const f of readdirSync("frames/defaults-outline")) expect([f, readFileSync(join(dir, "outline", f)).equals(readFileSync(join("frames/defaults-outline", f)))]).toEqual([f, true]);
    const r = moodface(["pack", join(dir, "outline"), "-o", join(dir, "outline.bin"), "--no-decoder"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("24 keyframes");
    const bold = open("frames/frames.bin");
    const outline = open(join(dir, "outline.bin"));
    if (!bold.ok || !outline.ok) throw new Error("packs do not open");
    const a = new Uint8Array(1024);
    const b = new Uint8Array(1024);
    new PackFaces(bold.pack).copyFrame(0, a);
    new PackFaces(outline.pack).copyFrame(0, b);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    const p = moodface(["preview", join(dir, "outline.bin"), "-o", join(dir, "out")]);
    expect(p.status).toBe(0);
    expect(existsSync(join(dir, "out", "contact-sheet.png"))).toBe(true);
    expect(moodface(["pack", "frames/defaults", "--style", "outline", "-o", join(dir, "x.bin")]).stderr).toContain("give it with --defaults");
  });

  test("--shuffle writes a numbered sheet for labelling blind and the answers apart; the key names what each cell shows", async () => {
    const dir = tempDir();
    const r = moodface(["preview", "frames/frames.bin", "--shuffle", "21", "--no-labels", "-o", dir]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("blind-sheet.png: 24 keyframes shuffled with seed 21");
    // Only the blind sheet and its key: no labelled sheet, no GIF (its order would give the answers away).
    expect(readdirSync(dir).sort()).toEqual(["blind-key.json", "blind-sheet.png"]);
    const key = JSON.parse(readFileSync(join(dir, "blind-key.json"), "utf8")) as BlindKey;
    expect(key.format).toBe("moodface-blind-key");
    expect(key.cells.map((c) => c.cell)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    // Every emotion and intensity once: a permutation of the pack's keyframes...
    expect(new Set(key.cells.map((c) => `${c.emotion}-${c.intensity}`)).size).toBe(24);
    // ... and shuffled: not in the labelled sheet's order, nor with an emotion's three faces side by side.
    expect(key.cells.map((c) => c.emotion).filter((e, i, a) => i > 0 && a[i - 1] === e).length).toBeLessThan(8);
    const { data, info } = await sharp(join(dir, "blind-sheet.png")).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(BLIND_GAP + BLIND_COLUMNS * (128 * BLIND_SCALE + BLIND_GAP));
    expect(info.height).toBe(BLIND_GAP + 6 * (64 * BLIND_SCALE + BLIND_NUMBER_H + BLIND_GAP));
    // Each cell, read back at 1x, is exactly the keyframe its key entry names.
    const p = open("frames/frames.bin");
    if (!p.ok) throw new Error(p.error);
    const faces = new PackFaces(p.pack);
    const frame = new Uint8Array(1024);
    for (const [i, c] of key.cells.entries()) {
      let k = -1;
      for (let j = 0; j < faces.count; j++) if (faces.variant(j) === 0 && EMOTIONS[faces.emotion(j)] === c.emotion && BAND_NAMES[faces.band(j)] === c.intensity) k = j;
      faces.copyFrame(k, frame);
      const { x, y } = blindCell(i);
      let wrong = 0;
      for (let py = 0; py < 64; py++) {
        for (let px = 0; px < 128; px++) {
          const lit = (frame[(py >> 3) * 128 + px] >> (py & 7)) & 1;
          for (const [dx, dy] of [[0, 0], [1, 1]]) if ((data[(y + 2 * py + dy) * info.width + x + 2 * px + dx] > 128 ? 1 : 0) !== lit) wrong++;
        }
      }
      expect([c.cell, wrong]).toEqual([c.cell, 0]);
      // A number above the cell (light text on the grey strip), nothing else there.
      let text = 0;
      for (let ty = y - BLIND_NUMBER_H; ty < y; ty++) for (let tx = x; tx < x + 128 * BLIND_SCALE; tx++) text += data[ty * info.width + tx] > 128 ? 1 : 0;
      expect([c.cell, text > 10, text < 200]).toEqual([c.cell, true, true]);
    }
    // The same seed gives the same sheet; another seed another order.
    const again = tempDir();
    expect(moodface(["preview", "frames/frames.bin", "--shuffle", "21", "-o", again]).status).toBe(0);
    expect(readFileSync(join(again, "blind-sheet.png")).equals(readFileSync(join(dir, "blind-sheet.png")))).toBe(true);
    const other = tempDir();
    expect(moodface(["preview", "frames/frames.bin", "--shuffle", "22", "-o", other]).status).toBe(0);
    expect(JSON.parse(readFileSync(join(other, "blind-key.json"), "utf8")).cells).not.toEqual(key.cells);
    // An unlabelled sheet in the usual order would give the answers away: refused.
    const n = moodface(["preview", "frames/frames.bin", "--no-labels", "-o", tempDir()]);
    expect(n.status).toBe(1);
    expect(n.stderr).toContain("--no-labels goes with --shuffle <seed>");
  });

  test("a corrupt pack exits non-zero and names the section that failed its CRC", () => {
    const dir = tempDir();
    const bad = join(dir, "bad.bin");
    const b = readFileSync("frames/frames.bin");
    b[3000] ^= 0x01; // inside the frames
    writeFileSync(bad, b);
    const r = moodface(["preview", bad, "-o", join(dir, "out")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.bin: section FRMS failed its CRC/);
    expect(existsSync(join(dir, "out", "contact-sheet.png"))).toBe(false);
  });
});
