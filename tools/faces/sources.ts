/*
 * Keyframe sources for `moodface pack`: a folder of images named <emotion>-<intensity>.png|jpg, or a
 * frames manifest (docs/formats/frames-manifest.md). Images of any size are fitted or cropped to
 * 128x64 and turned to 1 bit; every problem names the file.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import sharp from "sharp";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { readCatalog, readJson, readWheel, UsageError } from "../lib/data.js";
import { BAND_NAMES, type FramesManifest, type FramesManifestEntry } from "./defaults.js";
import { H, W, pack, toOneBit, type OneBit } from "./render.js";
import type { PackEntry } from "./pack-writer.js";

export interface ImageOptions {
  /** contain: letterbox the whole image; cover: fill the screen and crop. */
  fit: "contain" | "cover";
  oneBit: OneBit;
  /** For dark drawings on a light background: ink becomes lit pixels. */
  invert: boolean;
}

const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg"];
const NAME = /^([a-z]+)-(mild|medium|strong|1|2|3)$/;

export async function loadImage(path: string, o: ImageOptions): Promise<Uint8Array> {
  let grey: Buffer;
  try {
    const img = sharp(path, { failOn: "error" });
    const meta = await img.metadata();
    const resized = meta.width === W && meta.height === H ? img : img.resize(W, H, { fit: o.fit, background: o.invert ? "#fff" : "#000" });
    grey = (await resized.flatten({ background: o.invert ? "#fff" : "#000" }).greyscale().raw().toBuffer({ resolveWithObject: true })).data;
  } catch (e) {
    throw new UsageError(`${path}: not a readable PNG or JPEG image (${(e as Error).message})`);
  }
  const g = new Uint8Array(grey.buffer, grey.byteOffset, W * H);
  if (o.invert) for (let i = 0; i < g.length; i++) g[i] = 255 - g[i];
  return pack(toOneBit(g, o.oneBit));
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
        throw new UsageError(`${join(source, f)}: name images <emotion>-<intensity>.png, emotion one of ${EMOTIONS.join(", ")}, intensity mild, medium or strong (or 1, 2, 3)`);
      }
      const band = /^[123]$/.test(m[2]) ? BAND_NAMES[Number(m[2]) - 1] : (m[2] as FramesManifestEntry["intensity"]);
      entries.push({ file: f, emotion: m[1], intensity: band });
    }
    if (entries.length === 0) throw new UsageError(`${source}: no images (.png, .jpg) and no frames.json`);
    return { base: source, entries };
  }
  const doc = readJson(source) as unknown as FramesManifest;
  const where = (i: number, field: string) => `${source}: entries[${i}].${field}`;
  if (doc?.format !== "moodface-frames" || doc.version !== 1) throw new UsageError(`${source}: format: expected "moodface-frames" version 1`);
  if (!Array.isArray(doc.entries) || doc.entries.length === 0) throw new UsageError(`${source}: entries: expected a non-empty array`);
  const words = readWheel(readCatalog()).words;
  doc.entries.forEach((e, i) => {
    if (e.nuance !== undefined && !words.includes(e.nuance)) throw new UsageError(`${where(i, "nuance")}: "${e.nuance}" is not a Feeling Wheel word (see modules/emotion/data/wheel.json)`);
    if (typeof e.file !== "string") throw new UsageError(`${where(i, "file")}: expected a file name`);
    if (!(EMOTIONS as readonly string[]).includes(e.emotion)) throw new UsageError(`${where(i, "emotion")}: "${e.emotion}" is not one of ${EMOTIONS.join(", ")}`);
    if (!(BAND_NAMES as readonly string[]).includes(e.intensity)) throw new UsageError(`${where(i, "intensity")}: "${e.intensity}" is not mild, medium or strong`);
    if (e.eyes !== undefined) {
      if (!Array.isArray(e.eyes) || e.eyes.length > 2) throw new UsageError(`${where(i, "eyes")}: expected up to two boxes [x0, y0, x1, y1]`);
      e.eyes.forEach((b, k) => {
        const ok = Array.isArray(b) && b.length === 4 && b.every((v) => Number.isInteger(v)) && b[0] >= 0 && b[0] <= b[2] && b[2] < W && b[1] >= 0 && b[1] <= b[3] && b[3] < H;
        if (!ok) throw new UsageError(`${where(i, `eyes[${k}]`)}: expected [x0, y0, x1, y1] inside 128x64 with x0 <= x1 and y0 <= y1`);
      });
    }
  });
  return { base: dirname(source), entries: doc.entries };
}

/** Which emotions have no keyframe, and which emotion/intensity pairs are missing. */
export function coverage(entries: readonly FramesManifestEntry[]): { missingEmotions: string[]; missingBands: string[] } {
  const have = new Set(entries.map((e) => `${e.emotion}-${e.intensity}`));
  const missingEmotions = EMOTIONS.filter((e) => !entries.some((x) => x.emotion === e));
  const missingBands = EMOTIONS.filter((e) => !missingEmotions.includes(e)).flatMap((e) => BAND_NAMES.filter((b) => !have.has(`${e}-${b}`)).map((b) => `${e}-${b}`));
  return { missingEmotions, missingBands };
}

export async function loadEntries(base: string, entries: readonly FramesManifestEntry[], o: ImageOptions, onFrame?: () => void): Promise<PackEntry[]> {
  const words = readWheel(readCatalog()).words;
  const out: PackEntry[] = [];
  for (const e of entries) {
    out.push({
      emotion: EMOTIONS.indexOf(e.emotion as (typeof EMOTIONS)[number]),
      band: BAND_NAMES.indexOf(e.intensity),
      frame: await loadImage(join(base, e.file), o),
      eyes: e.eyes,
      nuance: e.nuance === undefined ? undefined : words.indexOf(e.nuance),
    });
    onFrame?.();
  }
  return out;
}
