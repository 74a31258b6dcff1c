/*
 * The photos path of `moodface pack --photos` and the photo contact sheet of `moodface preview`
 * (docs/photos.md). Kept apart from tools/cli/faces.ts, which only hands over.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import sharp from "sharp";
import cliProgress from "cli-progress";
import { EMOTIONS } from "../../modules/emotion/names.js";
import type { FaceSource } from "../../modules/face/faces.js";
import { UsageError } from "../lib/data.js";
import { writeFile } from "../lib/files.js";
import { FRAMES_DIR, BAND_NAMES } from "../faces/defaults.js";
import { latentsSection, writePack } from "../faces/pack-writer.js";
import { lerpParams } from "../faces/face.js";
import { H, W, renderFace, unpack } from "../faces/render.js";
import { fitDecoder, type Fit, type FitKey } from "../decoder/fit.js";
import { listPhotos, photoLines, photosToSlots, sidecar, slotLines, type Slot } from "./slots.js";
import { linesFrame, type SketchStyle } from "./sketch.js";

export interface PackPhotosOptions {
  output: string;
  style: SketchStyle;
  strict: boolean;
  decoder?: string | false;
  seed: number;
  /** Fine-tune the decoder when inversion leaves a keyframe under 98% (default true). */
  fineTune?: boolean;
}

/** The slots as keyframes to fit the decoder to: generated ones keep their trained latents. */
/**
 * Fits the decoder to a photo pack's slots (pack --photos and its bench): unseen sketches inverted,
 * then fine-tuned with the transported in-betweens of each pair of photo sketches (docs/decoder.md),
 * each transition scored against the sketch of the two faces' midpoint.
 */
export function fitPhotoSlots(decoderDir: string, slots: Slot[], seed: number, fineTune?: boolean): Promise<Fit> {
  return fitDecoder(decoderDir, fitKeys(slots), { seed, fineTune, inBetweens: "transport", midpoint: (a, b) => inBetween(slots[a], slots[b]) });
}

export function fitKeys(slots: Slot[]): FitKey[] {
  return slots.map((s) => ({ name: `${EMOTIONS[s.emotion]}-${BAND_NAMES[s.band]}`, frame: s.entry.frame, trained: s.from === "generated" ? s.emotion * 3 + s.band : undefined }));
}

/**
 * The true in-between of two slots, drawn by what drew them: the generator at the parameters' midpoint
 * (generated faces, robot-style photos) or the line sketch of the landmarks' midpoint (lines-style
 * photos). Edges sketches and mixed pairs have none.
 */
export async function inBetween(a: Slot, b: Slot): Promise<Uint8Array | undefined> {
  if (a.params && b.params) return renderFace(lerpParams(a.params, b.params, 0.5));
  const pa = a.candidate?.points;
  const pb = b.candidate?.points;
  if (pa && pb) return linesFrame(pa.map((p, i) => ({ x: (p.x + pb[i].x) / 2, y: (p.y + pb[i].y) / 2 })));
  return undefined;
}

export async function packPhotos(folder: string, o: PackPhotosOptions): Promise<void> {
  const total = listPhotos(folder).length;
  const bar = new cliProgress.SingleBar({ format: "photos [{bar}] {value}/{total}", stream: process.stderr, hideCursor: true, noTTYOutput: false }, cliProgress.Presets.shades_classic);
  const tty = process.stderr.isTTY && total > 1;
  if (tty) bar.start(total, 0);
  const problems: string[] = [];
  let result;
  try {
    result = await photosToSlots(folder, { style: o.style, strict: o.strict, onPhoto: () => tty && bar.increment(), onProblem: (l) => problems.push(l) });
  } finally {
    if (tty) bar.stop();
  }
  for (const p of problems) process.stderr.write(`moodface: ${p}\n`);
  const entries = result.slots.map((s) => s.entry);
  let model: Uint8Array | undefined;
  let latents: Uint8Array | undefined;
  const lines: string[] = [];
  const decoderDir = o.decoder === false ? undefined : (o.decoder ?? FRAMES_DIR);
  if (decoderDir) {
    const fit = await fitPhotoSlots(decoderDir, result.slots, o.seed, o.fineTune);
    lines.push(...fit.lines);
    // A decoder no keyframe can use is 80 KB of flash for nothing: left out.
    if (fit.latents.some(Boolean)) {
      model = fit.model;
      latents = latentsSection(fit.dims, fit.latents);
    } else lines.push("  no latent decoder: the decoder draws none of the keyframes to 98%, so it is left out and transitions crossfade");
  }
  const packed = writePack({ entries, model, latents });
  await writeFile(o.output, packed);
  await writeFile(`${o.output}.photos.json`, JSON.stringify(sidecar(result)) + "\n");
  const fromPhotos = result.slots.filter((s) => s.from === "photo").length;
  process.stdout.write(`${o.output}: 24 keyframes, ${fromPhotos} from ${result.candidates.length} faces in ${result.photos} photos, ${24 - fromPhotos} generated${model ? ", and the latent decoder" : ""}; ${packed.length} bytes\n`);
  process.stdout.write("faces per photo:\n");
  for (const l of photoLines(result)) process.stdout.write(l + "\n");
  process.stdout.write("slots:\n");
  for (const l of slotLines(result)) process.stdout.write(l + "\n");
  for (const l of lines) process.stdout.write(l + "\n");
  if (problems.length) process.stdout.write(`  ${problems.length} photo${problems.length === 1 ? "" : "s or faces"} left out (see above); --strict fails instead\n`);
  process.stdout.write(`  ${o.output}.photos.json: the photo, label and confidence of each slot, for moodface preview\n`);
}

interface SidecarSlot {
  emotion: string;
  intensity: string;
  from: string;
  file?: string;
  face?: number;
  expression?: string;
  confidence?: number;
  label?: string;
  photo?: string;
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The photo packs' contact sheet: per slot the aligned photo, the sketch and the label; undefined without a sidecar. */
export async function photoSheetFor(packFile: string, faces: FaceSource): Promise<Buffer | undefined> {
  const side = `${packFile}.photos.json`;
  if (!existsSync(side)) return undefined;
  let doc: { format?: string; slots?: SidecarSlot[] };
  try {
    doc = JSON.parse(readFileSync(side, "utf8"));
  } catch (e) {
    throw new UsageError(`${side}: not valid JSON (${(e as Error).message})`);
  }
  if (doc.format !== "moodface-photo-slots" || !Array.isArray(doc.slots)) throw new UsageError(`${side}: format: expected "moodface-photo-slots"`);
  const S = 2;
  const cw = W * S * 2 + 12;
  const ch = H * S + 22;
  const width = 3 * cw + 8;
  const height = EMOTIONS.length * ch + 8;
  const img = Buffer.alloc(width * height, 40);
  const frame = new Uint8Array(1024);
  const texts: string[] = [];
  for (let i = 0; i < faces.count; i++) {
    if (faces.variant(i) !== 0) continue;
    const e = faces.emotion(i);
    const b = faces.band(i);
    const slot = doc.slots.find((s) => s.emotion === EMOTIONS[e] && s.intensity === BAND_NAMES[b]);
    faces.copyFrame(i, frame);
    const bits = unpack(frame);
    const ox = 8 + b * cw;
    const oy = 8 + e * ch;
    const photo = slot?.photo ? Buffer.from(slot.photo, "base64") : undefined;
    for (let y = 0; y < H * S; y++) {
      for (let x = 0; x < W * S; x++) {
        const src = ((y / S) | 0) * W + ((x / S) | 0);
        img[(oy + y) * width + ox + x] = photo && photo.length === W * H ? photo[src] : 24;
        img[(oy + y) * width + ox + W * S + 4 + x] = bits[src] ? 255 : 0;
      }
    }
    const who = slot?.from === "photo" ? `${slot.file?.split("/").pop()} #${slot.face} ${slot.label === "labels.json" ? "labels.json" : `${slot.expression} ${Math.round((slot.confidence ?? 0) * 100)}%`}` : "generated";
    texts.push(`<text x="${ox}" y="${oy + H * S + 15}" font-family="sans-serif" font-size="12" fill="#fff">${esc(`${EMOTIONS[e]}-${BAND_NAMES[b]}: ${who}`)}</text>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join("")}</svg>`;
  const base = await sharp(img, { raw: { width, height, channels: 1 } }).png().toBuffer();
  return sharp(base).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).greyscale().png({ compressionLevel: 9 }).toBuffer();
}

/** A frames manifest `{"format": "moodface-frames", "version": 1, "photos": "folder", "style"?: ...}`: its photos folder. */
export function photosFromManifest(source: string): { folder: string; style?: SketchStyle } | undefined {
  const file = existsSync(source) && statSync(source).isDirectory() ? join(source, "frames.json") : source;
  if (!file.endsWith(".json") || !existsSync(file)) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined; // listSources reports it
  }
  if (doc === null || typeof doc !== "object" || doc.photos === undefined) return undefined;
  if (typeof doc.photos !== "string" || doc.photos === "") throw new UsageError(`${file}: photos: expected a folder name relative to the manifest`);
  if (doc.style !== undefined && !["lines", "edges", "robot"].includes(doc.style as string)) throw new UsageError(`${file}: style: expected lines, edges or robot`);
  if (Array.isArray(doc.entries) && doc.entries.length > 0) throw new UsageError(`${file}: give either photos or entries, not both`);
  return { folder: join(dirname(file), doc.photos), style: doc.style as SketchStyle | undefined };
}
