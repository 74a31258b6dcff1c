/*
 * Photos whose sketch must keep what the face shows (issue 21): a talking face stays a talking mouth
 * (open, not a shouting ring), a tight-lipped sad face keeps its lowered corners and slanted brows, a
 * cat is no face, a face cut by the edge is still a face, and a photo cut short is unreadable. The
 * photos are in tests/photos/images (sources and licences in its README) and face-api's demo folder.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { moodface, tempDir } from "../helpers/cli.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { unpack, W } from "../../tools/faces/render.js";
import { expressionParams, LINES } from "../../tools/photos/sketch.js";
import { pngCutShort } from "../../tools/photos/detect.js";

const images = join(REPO_ROOT, "tests", "photos", "images");
const demo = join(REPO_ROOT, "node_modules", "@vladmandic", "face-api", "demo");

interface Face {
  index: number;
  landmarks: { x: number; y: number }[];
  expressions: Record<string, number>;
  label: { expression: string; emotion: string; band: number; confidence: number };
  ink: { eyes: boolean; mouth: boolean };
  expression: Record<string, number>;
  points: { x: number; y: number }[];
  frame: string;
}
interface Inspected {
  file: string;
  found: number;
  faces: Face[];
  problems: string[];
}

function inspect(files: string[]): Inspected[] {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "tools", "photos", "inspect.ts"), ...files], { encoding: "utf8", cwd: REPO_ROOT, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** Per column of the sketch below the eyes (row 42 down), the number of separate runs of ink. */
function mouthRuns(f: Face): number[] {
  const bits = unpack(new Uint8Array(Buffer.from(f.frame, "base64")));
  const runs: number[] = [];
  for (let x = 0; x < W; x++) {
    let n = 0;
    for (let y = 42; y < 64; y++) if (bits[y * W + x] && !(y > 42 && bits[(y - 1) * W + x])) n++;
    runs.push(n);
  }
  return runs;
}

/** Rows and columns of the sketch's ink below the eyes (row 42 down: only the mouth is there). */
function mouthInk(f: Face): { top: number; bottom: number; left: number; right: number } {
  const bits = unpack(new Uint8Array(Buffer.from(f.frame, "base64")));
  let top = 64;
  let bottom = -1;
  let left = W;
  let right = -1;
  for (let y = 42; y < 64; y++) {
    for (let x = 0; x < W; x++) {
      if (!bits[y * W + x]) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  return { top, bottom, left, right };
}

const dir = tempDir();
let talking: Face;
let tight: Face;
let relaxed: Face;
let smiling: Face;
let cat: Inspected;
let cut: Inspected;

beforeAll(async () => {
  // A face cut through by the left edge of the photo (the talking face, its left quarter cut away).
  await sharp(join(images, "talking.jpg")).extract({ left: 100, top: 0, width: 220, height: 400 }).jpeg().toFile(join(dir, "edge.jpg"));
  const r = inspect([join(images, "talking.jpg"), join(images, "tight-lipped.jpg"), join(demo, "sample6.jpg"), join(images, "cat.jpg"), join(dir, "edge.jpg")]);
  [talking] = r[0].faces;
  [tight] = r[1].faces;
  // sample6: face 3 is the one a person calls neutral (samples.json), face 1 a closed-mouth smile.
  relaxed = r[2].faces.find((f) => f.index === 2)!;
  smiling = r[2].faces.find((f) => f.index === 0)!;
  cat = r[3];
  cut = r[4];
});

describe("the sketch keeps the photo's mouth and brows", () => {
  test("a talking face read as angry keeps a talking mouth: open, one outline, not a shouting ring", () => {
    expect([talking.label.expression, talking.label.emotion]).toEqual(["angry", "mad"]);
    // Open, but well short of a full jaw drop.
    expect(talking.expression.mouthOpen).toBeGreaterThan(0.3);
    expect(talking.expression.mouthOpen).toBeLessThan(0.85);
    // The line sketch draws the opening once: its ink is at most the opening plus a stroke tall
    // (the photo's outer and inner lips drawn together made a ring 14 rows tall).
    const ink = mouthInk(talking);
    expect(ink.bottom - ink.top + 1).toBeLessThanOrEqual(Math.ceil(LINES.openPx * talking.expression.mouthOpen) + 4);
    expect(ink.bottom - ink.top + 1).toBeGreaterThanOrEqual(5);
    // The opening is open: between the lips' middles there is no ink.
    const p = talking.points;
    const bits = unpack(new Uint8Array(Buffer.from(talking.frame, "base64")));
    const mid = { x: Math.round((p[62].x + p[66].x) / 2), y: Math.round((p[62].y + p[66].y) / 2) };
    expect(bits[mid.y * W + mid.x]).toBe(0);
    // One outline: the column through the middle crosses ink twice (upper and lower edge), not four
    // times (the outer and the inner lips).
    expect(mouthRuns(talking)[mid.x]).toBe(2);
    expect(Math.max(...mouthRuns(talking))).toBeLessThanOrEqual(2);
    expect(talking.ink).toEqual({ eyes: true, mouth: true });
  });

  test("a tight-lipped face read as sad keeps its closed mouth, lowered corners and slanted brows", () => {
    expect([tight.label.expression, tight.label.emotion]).toEqual(["sad", "sad"]);
    expect(tight.expression.mouthOpen).toBe(0);
    expect(tight.expression.mouthCurve).toBeLessThan(-0.5);
    // Sad brows: inner ends up, outer ends down; not both raised (a surprised look).
    expect(tight.expression.browOuter).toBeLessThan(0);
    expect(tight.expression.browInner - tight.expression.browOuter).toBeGreaterThan(0.5);
    // In the line sketch: one closed line whose corners sit below its middle, and brows whose outer
    // ends sit lower than their inner ends.
    const p = tight.points;
    expect(Math.hypot(p[62].x - p[66].x, p[62].y - p[66].y)).toBeLessThan(2.5);
    expect(p[60].y - p[62].y).toBeGreaterThan(3);
    expect(p[64].y - p[62].y).toBeGreaterThan(3);
    expect(p[17].y - p[21].y).toBeGreaterThan(2);
    expect(p[26].y - p[22].y).toBeGreaterThan(2);
    expect(tight.ink).toEqual({ eyes: true, mouth: true });
    // One line, not a band of lips: every column crosses the mouth's ink at most once.
    expect(Math.max(...mouthRuns(tight))).toBe(1);
    const ink = mouthInk(tight);
    expect(ink.bottom - ink.top + 1).toBeLessThanOrEqual(Math.ceil(-LINES.curvePx * tight.expression.mouthCurve) + 4);
  });

  test("a relaxed face stays relaxed and a smile turns up", () => {
    expect(relaxed.label.expression).toBe("neutral");
    expect(Math.abs(relaxed.expression.mouthCurve)).toBeLessThan(0.3);
    expect(relaxed.expression.mouthOpen).toBeLessThan(0.1);
    expect(smiling.label.expression).toBe("happy");
    expect(smiling.expression.mouthCurve).toBeGreaterThan(0.3);
    expect(smiling.points[60].y).toBeLessThan(smiling.points[62].y - 1);
  });

  test("the expression net's label bends the curve and the brows but never opens a closed mouth", () => {
    const l = tight.landmarks;
    const own = expressionParams(l);
    const asSad = expressionParams(l, { sad: 1 });
    const asHappy = expressionParams(l, { happy: 1 });
    const asSurprised = expressionParams(l, { surprised: 1 });
    expect(asHappy.mouthCurve).toBeGreaterThan(own.mouthCurve);
    expect(asSad.mouthCurve).toBeLessThanOrEqual(own.mouthCurve);
    expect(asSurprised.browOuter).toBeGreaterThan(own.browOuter);
    for (const p of [own, asSad, asHappy, asSurprised]) expect(p.mouthOpen).toBe(0);
    // And a label that shuts the mouth (neutral) does not close an open one.
    expect(expressionParams(talking.landmarks, { neutral: 1 }).mouthOpen).toBe(expressionParams(talking.landmarks).mouthOpen);
  });
});

describe("what is not a face, and what cannot be read", () => {
  test("a cat is no face found, not a face cut off by the edge", () => {
    expect(cat.found).toBe(0);
    expect(cat.faces).toHaveLength(0);
    expect(cat.problems).toEqual([`${join(images, "cat.jpg")}: no face found (a face-like shape that a second detector does not take for a human face)`]);
  });

  test("a human face cut by the edge is still found, and refused as cut off", () => {
    expect(cut.found).toBe(1);
    expect(cut.problems).toHaveLength(1);
    expect(cut.problems[0]).toMatch(/edge\.jpg: face 1 at \d+,\d+: cut off by the edge of the photo$/);
  });

  test("a JPEG (baseline or progressive) or a PNG cut short is refused as unreadable, naming the file", async () => {
    const src = join(images, "talking.jpg");
    const base = await sharp(src).jpeg({ quality: 90 }).toBuffer();
    const prog = await sharp(src).jpeg({ quality: 90, progressive: true }).toBuffer();
    const png = await sharp(src).png().toBuffer();
    // Progressive scans: cut just after a scan's header, and at the last scan's end (EOI missing).
    const scans: number[] = [];
    for (let i = 0; i < prog.length - 1; i++) if (prog[i] === 0xff && prog[i + 1] === 0xda) scans.push(i);
    expect(scans.length).toBeGreaterThan(2);
    const cuts: [string, Buffer][] = [
      ["base-half.jpg", base.subarray(0, base.length >> 1)],
      ["base-end.jpg", base.subarray(0, base.length - 2)],
      ["prog-half.jpg", prog.subarray(0, prog.length >> 1)],
      ["prog-scan.jpg", prog.subarray(0, scans[2] + 20)],
      ["prog-end.jpg", prog.subarray(0, prog.length - 2)],
      ["png-half.png", png.subarray(0, png.length >> 1)],
      ["png-end.png", png.subarray(0, png.length - 12)],
    ];
    const folder = join(dir, "cut");
    mkdirSync(folder, { recursive: true });
    for (const [name, bytes] of cuts) writeFileSync(join(folder, name), bytes);
    writeFileSync(join(folder, "whole.png"), png);
    const r = inspect([...cuts.map(([n]) => join(folder, n)), join(folder, "whole.png")]);
    cuts.forEach(([name], i) => {
      expect([name, r[i].problems]).toEqual([name, [expect.stringMatching(new RegExp(`^${join(folder, name).replace(/[.]/g, "\\.")}: not a readable image \\(cut short: `))]]);
    });
    expect(r[cuts.length - 1].problems[0]).toContain(`PNG has no IEND chunk, the file ends at byte ${png.length - 12}`);
    expect(r[cuts.length - 2].problems[0]).toMatch(/PNG chunk "IDAT" at byte \d+ needs \d+ bytes, the file ends at byte \d+/);
    // The whole PNG reads, and its face is found.
    expect([r[cuts.length].problems, r[cuts.length].found]).toEqual([[], 1]);
  });

  test("pngCutShort names the chunk and the byte, and passes whole PNGs and other formats", async () => {
    const png = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: "#808080" } }).png().toBuffer());
    expect(pngCutShort(png)).toBeUndefined();
    expect(pngCutShort(png.subarray(0, png.length - 1))).toBe(`PNG chunk "IEND" at byte ${png.length - 12} needs 12 bytes, the file ends at byte ${png.length - 1}`);
    expect(pngCutShort(png.subarray(0, 8))).toBe("PNG has no IEND chunk, the file ends at byte 8");
    expect(pngCutShort(new Uint8Array(readFileSync(join(images, "talking.jpg"))))).toBeUndefined();
  });
});

describe("moodface pack --photos says what each photo gave", () => {
  test("per photo: the faces found and the faces used, and the slots they fill", () => {
    const photos = join(dir, "pack");
    mkdirSync(photos, { recursive: true });
    for (const f of ["talking.jpg", "tight-lipped.jpg", "cat.jpg"]) writeFileSync(join(photos, f), readFileSync(join(images, f)));
    writeFileSync(join(photos, "group.jpg"), readFileSync(join(demo, "sample1.jpg")));
    writeFileSync(join(photos, "short.jpg"), readFileSync(join(images, "talking.jpg")).subarray(0, 5000));
    writeFileSync(join(photos, "labels.json"), JSON.stringify({ "group.jpg#2": "skip" }));
    const r = moodface(["pack", "--photos", photos, "-o", join(dir, "p.bin"), "--no-decoder"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    const line = (f: string) => lines.find((l) => l.startsWith(`  ${join(photos, f)}:`));
    expect(line("talking.jpg")).toBe(`  ${join(photos, "talking.jpg")}: 1 face found, 1 used (face 1 as mad-medium)`);
    expect(line("tight-lipped.jpg")).toBe(`  ${join(photos, "tight-lipped.jpg")}: 1 face found, 1 used (face 1 as sad-medium)`);
    expect(line("cat.jpg")).toBe(`  ${join(photos, "cat.jpg")}: 0 faces found, 0 used`);
    expect(line("short.jpg")).toBe(`  ${join(photos, "short.jpg")}: not readable, no faces`);
    // sample1: three faces, the middle one skipped by labels.json; the other two fill calm-mild and joy-strong.
    expect(line("group.jpg")).toBe(`  ${join(photos, "group.jpg")}: 3 faces found, 2 used (face 1 as calm-mild, face 3 as joy-strong); 1 skipped by labels.json`);
    expect(r.stderr).toContain(`moodface: ${join(photos, "cat.jpg")}: no face found`);
    expect(r.stderr).toContain(`moodface: ${join(photos, "short.jpg")}: not a readable image (cut short: `);
  });
});
