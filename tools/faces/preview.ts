/*
 * `moodface preview`: a labelled contact sheet of every keyframe at 4x, and an animated GIF of the
 * transitions between emotions played by the firmware's own animator (through the pack's decoder
 * when it has one).
 */
import sharp from "sharp";
import gifenc from "gifenc";
import { BAND_NAMES, EMOTIONS, type EmotionName } from "../../modules/emotion/names.js";
import { Random } from "../../modules/common/random.js";
import { Animator } from "../../modules/face/animator.js";
import type { FaceSource } from "../../modules/face/faces.js";
import type { LatentDecoder } from "../../modules/face/decoder.js";
import { H, W, unpack } from "./render.js";
import { FRAME_BYTES } from "../../modules/common/geometry.js";

export const SHEET_SCALE = 4;
const GAP = 6;
/** Room for the row labels (left) and the column labels (top). */
export const LABEL_W = 110;
export const LABEL_H = 34;
export const BAND_LABELS = ["mild", "medium", "strong"] as const;

/** The labels as SVG text, light grey on the sheet's dark grey. */
function labelsSvg(width: number, height: number, cw: number, ch: number): string {
  const text = (x: number, y: number, t: string, anchor: string) => `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="22" fill="#ddd" text-anchor="${anchor}">${t}</text>`;
  const parts = [
    ...BAND_LABELS.map((b, i) => text(LABEL_W + GAP + i * cw + (W * SHEET_SCALE) / 2, LABEL_H - 8, b, "middle")),
    ...EMOTIONS.map((e, i) => text(LABEL_W - 6, LABEL_H + GAP + i * ch + (H * SHEET_SCALE) / 2 + 8, e, "end")),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join("")}</svg>`;
}

/**
 * Rows: emotions in EMOTIONS order, labelled on the left; columns: mild, medium, strong, labelled on
 * top. Missing keyframes stay grey.
 */
export async function contactSheet(source: FaceSource): Promise<Buffer> {
  const cw = W * SHEET_SCALE + GAP;
  const ch = H * SHEET_SCALE + GAP;
  const width = LABEL_W + 3 * cw + GAP;
  const height = LABEL_H + EMOTIONS.length * ch + GAP;
  const img = Buffer.alloc(width * height, 48);
  const frame = new Uint8Array(FRAME_BYTES);
  for (let i = 0; i < source.count; i++) {
    if (source.variant(i) !== 0) continue;
    source.copyFrame(i, frame);
    const bits = unpack(frame);
    const ox = LABEL_W + GAP + source.band(i) * cw;
    const oy = LABEL_H + GAP + source.emotion(i) * ch;
    for (let y = 0; y < H * SHEET_SCALE; y++) {
      for (let x = 0; x < W * SHEET_SCALE; x++) img[(oy + y) * width + ox + x] = bits[((y / SHEET_SCALE) | 0) * W + ((x / SHEET_SCALE) | 0)] ? 255 : 0;
    }
  }
  return sharp(img, { raw: { width, height, channels: 1 } })
    .composite([{ input: Buffer.from(labelsSvg(width, height, cw, ch)), left: 0, top: 0 }])
    .greyscale()
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** The blind sheet (`preview --shuffle`): cells of 2x keyframes, numbered only, in a seeded order. */
export const BLIND_SCALE = 2;
export const BLIND_COLUMNS = 4;
export const BLIND_GAP = 4;
/** Room above each cell for its number. */
export const BLIND_NUMBER_H = 22;

export interface BlindKey {
  format: "moodface-blind-key";
  version: 1;
  seed: number;
  /** Cell n (1-based, left to right, top to bottom) shows cells[n - 1]. */
  cells: { cell: number; emotion: EmotionName; intensity: (typeof BAND_NAMES)[number] }[];
}

/** Where cell i (0-based) of a blind sheet lies: its face's top-left corner on the sheet. */
export function blindCell(i: number): { x: number; y: number } {
  const cw = W * BLIND_SCALE + BLIND_GAP;
  const ch = H * BLIND_SCALE + BLIND_NUMBER_H + BLIND_GAP;
  return { x: BLIND_GAP + (i % BLIND_COLUMNS) * cw, y: BLIND_GAP + ((i / BLIND_COLUMNS) | 0) * ch + BLIND_NUMBER_H };
}

/**
 * A sheet for labelling faces blind: every keyframe of the pack (its first variant) at 2x, shuffled
 * by `seed` (Fisher-Yates on the project's xorshift, so the same seed gives the same sheet on every
 * machine), each numbered 1..n and nothing else: no emotion, no intensity, no order that gives them
 * away. The answers come back separately as the key.
 */
export async function blindSheet(source: FaceSource, seed: number): Promise<{ png: Buffer; key: BlindKey }> {
  const keyframes: number[] = [];
  for (let i = 0; i < source.count; i++) if (source.variant(i) === 0) keyframes.push(i);
  const r = new Random(seed);
  for (let i = keyframes.length - 1; i > 0; i--) {
    const j = r.range(0, i);
    [keyframes[i], keyframes[j]] = [keyframes[j], keyframes[i]];
  }
  const rows = Math.ceil(keyframes.length / BLIND_COLUMNS);
  const width = BLIND_GAP + BLIND_COLUMNS * (W * BLIND_SCALE + BLIND_GAP);
  const height = BLIND_GAP + rows * (H * BLIND_SCALE + BLIND_NUMBER_H + BLIND_GAP);
  const img = Buffer.alloc(width * height, 48);
  const frame = new Uint8Array(FRAME_BYTES);
  const numbers: string[] = [];
  const cells: BlindKey["cells"] = [];
  for (const [n, k] of keyframes.entries()) {
    source.copyFrame(k, frame);
    const bits = unpack(frame);
    const { x: ox, y: oy } = blindCell(n);
    for (let y = 0; y < H * BLIND_SCALE; y++) {
      for (let x = 0; x < W * BLIND_SCALE; x++) img[(oy + y) * width + ox + x] = bits[((y / BLIND_SCALE) | 0) * W + ((x / BLIND_SCALE) | 0)] ? 255 : 0;
    }
    numbers.push(`<text x="${ox + 2}" y="${oy - 5}" font-family="DejaVu Sans, sans-serif" font-size="17" fill="#ddd">${n + 1}</text>`);
    cells.push({ cell: n + 1, emotion: EMOTIONS[source.emotion(k)], intensity: BAND_NAMES[source.band(k)] });
  }
  const png = await sharp(img, { raw: { width, height, channels: 1 } })
    .composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${numbers.join("")}</svg>`), left: 0, top: 0 }])
    .greyscale()
    .png({ compressionLevel: 9 })
    .toBuffer();
  return { png, key: { format: "moodface-blind-key", version: 1, seed, cells } };
}

export interface TransitionScript {
  /** Emotion, band, how long to hold it (ms). */
  steps: [EmotionName, number, number][];
}

/** calm, then each emotion at medium and strong, back to calm between them. */
export function defaultScript(holdMs = 1200): TransitionScript {
  const steps: [EmotionName, number, number][] = [["calm", 0, holdMs]];
  for (const e of EMOTIONS) {
    if (e === "calm") continue;
    steps.push([e, 1, holdMs], [e, 2, holdMs], ["calm", 0, holdMs / 2]);
  }
  return { steps };
}

/**
 * Plays the script through the firmware's animator at 33 ms frames; returns the GIF bytes. With a
 * decoder (the pack's model, as the robot opens it) transitions morph through it, as on the robot;
 * without, they crossfade.
 */
export function transitionsGif(source: FaceSource, script = defaultScript(), scale = 2, seed = 7, decoder?: LatentDecoder): Uint8Array {
  const animator = new Animator(source, { seed, decoder });
  const gif = gifenc.GIFEncoder();
  const palette = [
    [0, 0, 0],
    [120, 200, 255],
  ];
  const w = W * scale;
  const h = H * scale;
  const index = new Uint8Array(w * h);
  let t = 0;
  for (const [emotion, band, hold] of script.steps) {
    const state = { dominant: EMOTIONS.indexOf(emotion), band, nuance: 255 };
    for (let k = 0; k < hold; k += 33) {
      const bits = unpack(animator.update(t, state));
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) index[y * w + x] = bits[((y / scale) | 0) * W + ((x / scale) | 0)];
      gif.writeFrame(index, w, h, { palette, delay: 33, repeat: 0 });
      t += 33;
    }
  }
  gif.finish();
  return gif.bytes();
}
