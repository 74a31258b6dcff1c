import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { openPack } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { moodface, tempDir } from "../helpers/cli.js";
import { generateDefaults } from "../../tools/faces/defaults.js";

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
    const r = moodface(["pack", src, "-o", out, "--fit", "cover", "--dither", "bayer"]);
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
  test("writes a 4x contact sheet and an animated GIF", async () => {
    const dir = tempDir();
    const r = moodface(["preview", "frames/frames.bin", "-o", dir]);
    expect(r.status).toBe(0);
    const sheet = await sharp(join(dir, "contact-sheet.png")).metadata();
    expect(sheet.width).toBe(3 * (128 * 4 + 6) + 6);
    expect(sheet.height).toBe(8 * (64 * 4 + 6) + 6);
    const gif = await sharp(join(dir, "transitions.gif")).metadata();
    expect(gif.format).toBe("gif");
    expect(gif.pages).toBeGreaterThan(100);
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
