/*
 * Keyframe sources for `moodface pack`: a folder of images named <emotion>-<intensity>.png|jpg, or a
 * frames manifest (docs/formats/frames-manifest.md). Images of any size are fitted (contain, the
 * default) or cropped (cover) to 128x64 and turned to 1 bit; every problem names the file.
 *
 * Drawings (docs/drawing.md): dark ink on light paper is inverted when the image's border is light
 * (--invert auto); line art is thresholded and photos are dithered (--dither auto: a photo is an image
 * whose fitted grey has more than PHOTO_MIDTONES of its pixels in mid-tones); eye boxes are found as
 * the two largest ink blobs side by side in the upper half when the manifest gives none.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import sharp from "sharp";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { readCatalog, readJson, readWheel, UsageError } from "../lib/data.js";
import { describe, quote } from "../lib/text.js";
import { BAND_NAMES, type FramesManifestEntry } from "./defaults.js";
import { H, W, pack, toOneBit, type OneBit } from "./render.js";
import type { PackEntry } from "./pack-writer.js";

export type InvertChoice = "auto" | "yes" | "no";
export type DitherChoice = "auto" | "none" | "bayer" | "floyd";

export interface ImageOptions {
  /** contain: letterbox the whole image; cover: fill the screen and crop. */
  fit: "contain" | "cover";
  /** auto: invert when the image's border is light (dark ink on paper). */
  invert: InvertChoice | boolean;
  /** auto: threshold line art, Floyd-Steinberg for photos. */
  dither?: DitherChoice;
  /** Threshold level for line art (lit where grey >= level). */
  level?: number;
  /** A fixed 1-bit conversion (overrides dither and level). */
  oneBit?: OneBit;
}

/** What was decided for one image, for the summary. */
export interface ImageReport {
  inverted: boolean;
  /** Mean luminance of the border, 0..255. */
  border: number;
  photo: boolean;
  conversion: "threshold" | "bayer" | "floyd";
}

/** Fraction of mid-tone pixels above which an image is treated as a photo. */
export const PHOTO_MIDTONES = 0.3;

const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg"];
const NAME = /^([a-z]+)-(mild|medium|strong|1|2|3)$/;

/** Mean luminance of the outer 1/16 of the image (its paper or its background). */
function borderLuminance(grey: Uint8Array | Buffer, w: number, h: number): number {
  const bw = Math.max(1, Math.round(w / 16));
  const bh = Math.max(1, Math.round(h / 16));
  let sum = 0;
  let n = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x >= bw && x < w - bw && y >= bh && y < h - bh) continue;
      sum += grey[y * w + x];
      n++;
    }
  }
  return n ? sum / n : 0;
}

export async function loadImageReport(path: string, o: ImageOptions): Promise<{ frame: Uint8Array; bits: Uint8Array; report: ImageReport }> {
  let g: Uint8Array;
  let border: number;
  let inverted: boolean;
  try {
    const src = await sharp(path, { failOn: "error" }).flatten({ background: "#fff" }).greyscale().raw().toBuffer({ resolveWithObject: true });
    border = borderLuminance(src.data, src.info.width, src.info.height);
    inverted = o.invert === true || o.invert === "yes" || ((o.invert === "auto" || o.invert === undefined) && border >= 128);
    // Letterbox with the paper's own colour, so the bars vanish like the paper.
    const paper = inverted ? 255 : 0;
    const img = sharp(src.data, { raw: { width: src.info.width, height: src.info.height, channels: 1 } });
    const fitted = src.info.width === W && src.info.height === H ? img : img.resize(W, H, { fit: o.fit, background: { r: paper, g: paper, b: paper } });
    const out = await fitted.greyscale().raw().toBuffer({ resolveWithObject: true });
    g = new Uint8Array(W * H);
    // sharp may hand back 1 or 3 channels after the letterbox; take the first.
    const ch = out.info.channels;
    for (let i = 0; i < g.length; i++) g[i] = out.data[i * ch];
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: not a readable PNG or JPEG image (${(e as Error).message.split("\n")[0]})`);
  }
  if (inverted) for (let i = 0; i < g.length; i++) g[i] = 255 - g[i];
  let mid = 0;
  for (let i = 0; i < g.length; i++) if (g[i] >= 64 && g[i] < 192) mid++;
  const photo = mid / g.length > PHOTO_MIDTONES;
  let how: OneBit;
  if (o.oneBit) how = o.oneBit;
  else {
    const d = o.dither ?? "auto";
    const mode = d === "auto" ? (photo ? "floyd" : "none") : d;
    how = mode === "none" ? { mode: "threshold", level: o.level ?? 128 } : { mode };
  }
  const bits = toOneBit(g, how);
  return { frame: pack(bits), bits, report: { inverted, border: Math.round(border), photo, conversion: how.mode } };
}

export async function loadImage(path: string, o: ImageOptions): Promise<Uint8Array> {
  return (await loadImageReport(path, o)).frame;
}

/**
 * Eye boxes found in a 1-bit keyframe: the two largest blobs of lit pixels (8-connected) whose centres
 * lie in the upper half, one left and one right of the middle; undefined when there are no such two.
 * Each box is grown by 2 pixels, as the generator's are.
 */
export function findEyes(bits: Uint8Array): number[][] | undefined {
  const label = new Int32Array(W * H).fill(-1);
  const blobs: { n: number; x0: number; y0: number; x1: number; y1: number; sx: number; sy: number }[] = [];
  const stack: number[] = [];
  for (let start = 0; start < W * H; start++) {
    if (!bits[start] || label[start] >= 0) continue;
    const b = { n: 0, x0: W, y0: H, x1: 0, y1: 0, sx: 0, sy: 0 };
    label[start] = blobs.length;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % W;
      const y = (i / W) | 0;
      b.n++;
      b.sx += x;
      b.sy += y;
      if (x < b.x0) b.x0 = x;
      if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || nx >= W || ny < 0 || ny >= H) continue;
          const j = ny * W + nx;
          if (bits[j] && label[j] < 0) {
            label[j] = blobs.length;
            stack.push(j);
          }
        }
      }
    }
    blobs.push(b);
  }
  const upper = blobs.filter((b) => b.sy / b.n < H / 2 && b.n >= 8 && b.x1 - b.x0 < W / 2);
  const left = upper.filter((b) => b.sx / b.n < W / 2).sort((a, b) => b.n - a.n)[0];
  const right = upper.filter((b) => b.sx / b.n >= W / 2).sort((a, b) => b.n - a.n)[0];
  if (!left || !right) return undefined;
  const grow = (b: typeof left) => [Math.max(0, b.x0 - 2), Math.max(0, b.y0 - 2), Math.min(W - 1, b.x1 + 2), Math.min(H - 1, b.y1 + 2)];
  return [grow(left), grow(right)];
}

/** Reads the manifest or scans the folder; returns the manifest entries with absolute paths. */
export function listSources(source: string): { base: string; entries: FramesManifestEntry[] } {
  if (!existsSync(source)) throw new UsageError(`${source}: no such file or folder`);
  if (statSync(source).isDirectory()) {
    const manifest = join(source, "frames.json");
    if (existsSync(manifest)) return listSources(manifest);
    const entries: FramesManifestEntry[] = [];
    for (const f of readdirSync(source).sort()) {
      if (!IMAGE_EXTENSIONS.includes(extname(f).toLowerCase())) continue;
      const m = NAME.exec(basename(f, extname(f)).toLowerCase());
      if (!m || !(EMOTIONS as readonly string[]).includes(m[1])) {
        throw new UsageError(`${join(source, quote(f, 80).slice(1, -1))}: name images <emotion>-<intensity>.png, emotion one of ${EMOTIONS.join(", ")}, intensity mild, medium or strong (or 1, 2, 3)`);
      }
      const band = /^[123]$/.test(m[2]) ? BAND_NAMES[Number(m[2]) - 1] : (m[2] as FramesManifestEntry["intensity"]);
      entries.push({ file: f, emotion: m[1], intensity: band });
    }
    if (entries.length === 0) throw new UsageError(`${source}: no images (.png, .jpg) and no frames.json`);
    return { base: source, entries };
  }
  const doc = readJson(source) as unknown;
  const where = (i: number, field: string) => `${source}: entries[${i}].${field}`;
  const d = doc as Record<string, unknown> | null;
  if (d === null || typeof d !== "object" || Array.isArray(d) || d.format !== "moodface-frames" || d.version !== 1) throw new UsageError(`${source}: format: expected "moodface-frames" version 1`);
  if (!Array.isArray(d.entries) || d.entries.length === 0) throw new UsageError(`${source}: entries: expected a non-empty array`);
  const words = readWheel(readCatalog()).words;
  (d.entries as unknown[]).forEach((x, i) => {
    if (x === null || typeof x !== "object" || Array.isArray(x)) throw new UsageError(`${source}: entries[${i}]: expected an object {"file", "emotion", "intensity"}, got ${describe(x)}`);
    const e = x as Record<string, unknown>;
    if (typeof e.file !== "string" || e.file === "") throw new UsageError(`${where(i, "file")}: expected a file name, got ${describe(e.file)}`);
    if (typeof e.emotion !== "string" || !(EMOTIONS as readonly string[]).includes(e.emotion)) throw new UsageError(`${where(i, "emotion")}: ${describe(e.emotion)} is not one of ${EMOTIONS.join(", ")}`);
    if (typeof e.intensity !== "string" || !(BAND_NAMES as readonly string[]).includes(e.intensity)) throw new UsageError(`${where(i, "intensity")}: ${describe(e.intensity)} is not mild, medium or strong`);
    if (e.nuance !== undefined && (typeof e.nuance !== "string" || !words.includes(e.nuance))) throw new UsageError(`${where(i, "nuance")}: ${describe(e.nuance)} is not a Feeling Wheel word (see modules/emotion/data/wheel.json)`);
    if (e.eyes !== undefined) {
      if (!Array.isArray(e.eyes) || e.eyes.length > 2) throw new UsageError(`${where(i, "eyes")}: expected up to two boxes [x0, y0, x1, y1]`);
      e.eyes.forEach((b: unknown, k: number) => {
        const ok = Array.isArray(b) && b.length === 4 && b.every((v) => Number.isInteger(v)) && b[0] >= 0 && b[0] <= b[2] && b[2] < W && b[1] >= 0 && b[1] <= b[3] && b[3] < H;
        if (!ok) throw new UsageError(`${where(i, `eyes[${k}]`)}: expected [x0, y0, x1, y1] inside 128x64 with x0 <= x1 and y0 <= y1`);
      });
    }
  });
  return { base: dirname(source), entries: d.entries as FramesManifestEntry[] };
}

/** Which emotions have no keyframe, and which emotion/intensity pairs are missing. */
export function coverage(entries: readonly FramesManifestEntry[]): { missingEmotions: string[]; missingBands: string[] } {
  const have = new Set(entries.map((e) => `${e.emotion}-${e.intensity}`));
  const missingEmotions = EMOTIONS.filter((e) => !entries.some((x) => x.emotion === e));
  const missingBands = EMOTIONS.filter((e) => !missingEmotions.includes(e)).flatMap((e) => BAND_NAMES.filter((b) => !have.has(`${e}-${b}`)).map((b) => `${e}-${b}`));
  return { missingEmotions, missingBands };
}

export interface LoadedEntry extends PackEntry {
  file: string;
  report: ImageReport;
  /** Where the eye boxes came from. */
  eyesFrom: "manifest" | "found" | "none";
}

export async function loadEntries(base: string, entries: readonly FramesManifestEntry[], o: ImageOptions, onFrame?: () => void, findEyeBoxes = true): Promise<LoadedEntry[]> {
  const words = readWheel(readCatalog()).words;
  const out: LoadedEntry[] = [];
  for (const e of entries) {
    const { frame, bits, report } = await loadImageReport(join(base, e.file), o);
    const found = e.eyes === undefined && findEyeBoxes ? findEyes(bits) : undefined;
    out.push({
      file: e.file,
      report,
      emotion: EMOTIONS.indexOf(e.emotion as (typeof EMOTIONS)[number]),
      band: BAND_NAMES.indexOf(e.intensity),
      frame,
      eyes: e.eyes ?? found,
      eyesFrom: e.eyes !== undefined ? "manifest" : found ? "found" : "none",
      nuance: e.nuance === undefined ? undefined : words.indexOf(e.nuance),
    });
    onFrame?.();
  }
  return out;
}
