/*
 * `moodface preview`: a labelled contact sheet of every keyframe at 4x, and an animated GIF of the
 * transitions between emotions played by the firmware's own animator (through the pack's decoder
 * when it has one).
 */
import sharp from "sharp";
import gifenc from "gifenc";
import { EMOTIONS, type EmotionName } from "../../modules/emotion/names.js";
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
