/*
 * `moodface preview`: a contact sheet of every keyframe at 4x, and an animated GIF of the transitions
 * between emotions played by the firmware's own animator.
 */
import sharp from "sharp";
import gifenc from "gifenc";
import { EMOTIONS, type EmotionName } from "../../modules/emotion/names.js";
import { Animator } from "../../modules/face/animator.js";
import type { FaceSource } from "../../modules/face/faces.js";
import { H, W, unpack } from "./render.js";

export const SHEET_SCALE = 4;
const GAP = 6;

/** Rows: emotions in EMOTIONS order; columns: mild, medium, strong. Missing keyframes stay grey. */
export async function contactSheet(source: FaceSource): Promise<Buffer> {
  const cw = W * SHEET_SCALE + GAP;
  const ch = H * SHEET_SCALE + GAP;
  const width = 3 * cw + GAP;
  const height = EMOTIONS.length * ch + GAP;
  const img = Buffer.alloc(width * height, 48);
  const frame = new Uint8Array(1024);
  for (let i = 0; i < source.count; i++) {
    if (source.variant(i) !== 0) continue;
    source.copyFrame(i, frame);
    const bits = unpack(frame);
    const ox = GAP + source.band(i) * cw;
    const oy = GAP + source.emotion(i) * ch;
    for (let y = 0; y < H * SHEET_SCALE; y++) {
      for (let x = 0; x < W * SHEET_SCALE; x++) img[(oy + y) * width + ox + x] = bits[((y / SHEET_SCALE) | 0) * W + ((x / SHEET_SCALE) | 0)] ? 255 : 0;
    }
  }
  return sharp(img, { raw: { width, height, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();
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

/** Plays the script through the animator at 33 ms frames; returns the GIF bytes. */
export function transitionsGif(source: FaceSource, script = defaultScript(), scale = 2, seed = 7): Uint8Array {
  const animator = new Animator(source, { seed });
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
