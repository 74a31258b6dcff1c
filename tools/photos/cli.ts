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
import { H, W, unpack } from "../faces/render.js";
import { checkModel, modelInfo } from "../decoder/native.js";
import { listPhotos, photosToSlots, sidecar, slotLines } from "./slots.js";
import { agreement, decodeMany, invert, readLatents } from "./invert.js";
import type { SketchStyle } from "./sketch.js";

/** Budgets a shipped decoder must meet (docs/decoder.md). */
export const BUDGET = { macs: 500_000, weights: 32 * 1024, ops: ["FULLY_CONNECTED", "RESHAPE", "CONV_2D", "DEPTH_TO_SPACE"] } as const;
/** A keyframe whose latent decodes to fewer matching pixels than this gets no latent (it crossfades). */
export const MIN_RECONSTRUCTION = 0.98;

export interface PackPhotosOptions {
  output: string;
  style: SketchStyle;
  strict: boolean;
  decoder?: string | false;
  seed: string;
}

export async function packPhotos(folder: string, o: PackPhotosOptions): Promise<void> {
  const seed = Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31) throw new UsageError(`--seed must be a whole number from 0 to 2147483648, not ${JSON.stringify(o.seed)}`);
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
    const modelFile = join(decoderDir, "decoder.tflite");
    const latentsFile = join(decoderDir, "latents.json");
    if (!existsSync(modelFile) || !existsSync(latentsFile)) throw new UsageError(`--decoder ${decoderDir}: decoder.tflite and latents.json are needed`);
    model = new Uint8Array(readFileSync(modelFile));
    const verdict = checkModel(model);
    if (verdict) throw new UsageError(`${modelFile}: ${verdict}`);
    const info = modelInfo(modelFile);
    const over = [info.macs > BUDGET.macs ? `${info.macs} MACs (budget ${BUDGET.macs})` : "", info.weights > BUDGET.weights ? `${info.weights} bytes of weights (budget ${BUDGET.weights})` : "", ...info.ops.filter((x) => !(BUDGET.ops as readonly string[]).includes(x)).map((x) => `op ${x}`)].filter(Boolean);
    if (over.length) throw new UsageError(`${modelFile}: over the decoder budgets: ${over.join(", ")}; refusing to ship it`);
    const doc = readLatents(latentsFile);
    const per: (number[] | undefined)[] = [];
    const t0 = performance.now();
    const pbar = new cliProgress.SingleBar({ format: "inverting [{bar}] {value}/{total}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    const photoSlots = result.slots.filter((s) => s.from === "photo").length;
    if (process.stderr.isTTY && photoSlots > 0) pbar.start(photoSlots, 0);
    lines.push("  reconstruction (share of pixels the decoder draws as the keyframe):");
    for (const s of result.slots) {
      const k = s.emotion * 3 + s.band;
      const name = `${EMOTIONS[s.emotion]}-${BAND_NAMES[s.band]}`.padEnd(16);
      if (s.from === "generated") {
        const z = doc.keyframes[k];
        const a = agreement(decodeMany(modelFile, [z])[0], s.entry.frame);
        per.push(a >= MIN_RECONSTRUCTION ? z : undefined);
        lines.push(`    ${name} ${(a * 100).toFixed(1)}% (trained latent)`);
        continue;
      }
      const t = performance.now();
      const inv = invert(modelFile, s.entry.frame, doc.keyframes, seed);
      const ok = inv.agreement >= MIN_RECONSTRUCTION;
      per.push(ok ? inv.latent : undefined);
      lines.push(`    ${name} ${(inv.agreement * 100).toFixed(1)}% by inversion in ${((performance.now() - t) / 1000).toFixed(1)} s${ok ? "" : `: below ${MIN_RECONSTRUCTION * 100}%, no latent (this keyframe crossfades)`}`);
      if (process.stderr.isTTY) pbar.increment();
    }
    if (process.stderr.isTTY && photoSlots > 0) pbar.stop();
    lines.push(`  inversion: ${((performance.now() - t0) / 1000).toFixed(1)} s for ${photoSlots} photo keyframes`);
    latents = latentsSection(doc.dims, per);
  }
  const packed = writePack({ entries, model, latents });
  await writeFile(o.output, packed);
  await writeFile(`${o.output}.photos.json`, JSON.stringify(sidecar(result)) + "\n");
  const fromPhotos = result.slots.filter((s) => s.from === "photo").length;
  process.stdout.write(`${o.output}: 24 keyframes, ${fromPhotos} from ${result.candidates.length} faces in ${result.photos} photos, ${24 - fromPhotos} generated${model ? ", and the latent decoder" : ""}; ${packed.length} bytes\n`);
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
