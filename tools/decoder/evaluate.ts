/*
 * Quality of a trained decoder, measured with the C reference backend (decoder-cli):
 * keyframe reconstruction from the int8 latents, midpoints of transitions against the generator's
 * own midpoint (parameters interpolated) by IoU of ink, against a 50% dithered crossfade of the two
 * keyframes, and the largest pixel change between neighbouring frames of a decoded transition.
 */
import { FRAME_BYTES, HEIGHT, WIDTH } from "../../modules/common/geometry.js";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { expression, lerpParams } from "../faces/face.js";
import { renderFace, unpack } from "../faces/render.js";
import { crossfade } from "../../modules/face/animator.js";

export interface Latents {
  dims: number;
  scale: number;
  zeroPoint: number;
  keyframes: number[][];
}

export function decodeFrames(cli: string, model: string, latents: Int8Array): Uint8Array {
  const r = spawnSync(cli, [model, "--frames"], { input: Buffer.from(latents.buffer, latents.byteOffset, latents.byteLength), maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cli}: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

/** Lit pixels per byte value. */
const POP = new Uint8Array(256).map((_, b) => {
  let n = 0;
  for (let v = b; v; v &= v - 1) n++;
  return n;
});
const popcount = (b: number) => POP[b & 0xff];

/** Intersection over union of the ink of two packed frames (1 when neither has any). */
export function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += popcount(a[i] & b[i]);
    union += popcount(a[i] | b[i]);
  }
  return union ? inter / union : 1;
}

/** The share of pixels two packed frames agree on. */
export function agreement(a: Uint8Array, b: Uint8Array): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff += popcount(a[i] ^ b[i]);
  return 1 - diff / (a.length * 8);
}

/** The animator's own crossfade at its halfway level. */
function halfway(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_BYTES);
  crossfade(a, b, 8, out);
  return out;
}

export interface Quality {
  keyframeAgreement: { mean: number; worst: number };
  midpointIoU: { decoder: number; crossfade: number; pairs: number };
  largestStepChange: number;
}

export async function evaluate(cli: string, model: string, latentsFile: string, steps = 12): Promise<Quality> {
  const lat = JSON.parse(readFileSync(latentsFile, "utf8")) as Latents;
  const d = lat.dims;
  const keys = Int8Array.from(lat.keyframes.flat());
  const decoded = decodeFrames(cli, model, keys);
  const agreements: number[] = [];
  const keyframes: Uint8Array[] = [];
  for (let i = 0; i < lat.keyframes.length; i++) {
    const e = EMOTIONS[Math.floor(i / 3)];
    const k = await renderFace(expression(e, i % 3));
    keyframes.push(k);
    agreements.push(agreement(decoded.subarray(i * 1024, (i + 1) * 1024), k));
  }
  // Transitions between every emotion's medium keyframe and every other's.
  let dec = 0;
  let cross = 0;
  let pairs = 0;
  let largest = 0;
  for (let a = 0; a < EMOTIONS.length; a++) {
    for (let b = a + 1; b < EMOTIONS.length; b++) {
      const ia = a * 3 + 1;
      const ib = b * 3 + 1;
      const za = lat.keyframes[ia];
      const zb = lat.keyframes[ib];
      const path = new Int8Array((steps + 1) * d);
      for (let s = 0; s <= steps; s++) for (let j = 0; j < d; j++) path[s * d + j] = Math.round(za[j] + ((zb[j] - za[j]) * s) / steps);
      const frames = decodeFrames(cli, model, path);
      for (let s = 1; s <= steps; s++) {
        let change = 0;
        for (let i = 0; i < 1024; i++) change += popcount(frames[s * 1024 + i] ^ frames[(s - 1) * 1024 + i]);
        largest = Math.max(largest, change);
      }
      const truth = await renderFace(lerpParams(expression(EMOTIONS[a], 1), expression(EMOTIONS[b], 1), 0.5));
      dec += iou(frames.subarray((steps / 2) * 1024, (steps / 2 + 1) * 1024), truth);
      cross += iou(halfway(keyframes[ia], keyframes[ib]), truth);
      pairs++;
    }
  }
  return {
    keyframeAgreement: { mean: agreements.reduce((x, y) => x + y, 0) / agreements.length, worst: Math.min(...agreements) },
    midpointIoU: { decoder: dec / pairs, crossfade: cross / pairs, pairs },
    largestStepChange: largest,
  };
}



/**
 * The pixels a transition changes: where two packed frames differ, grown by `grow` px (a square), as a
 * 0/1 array of HEIGHT x WIDTH. An in-between is judged there: the rest of the face is the same at both
 * ends, and counting it would let a frame that never moves score well.
 */
export function changedRegion(a: Uint8Array, b: Uint8Array, grow = 2): Uint8Array {
  const bitsA = unpack(a);
  const bitsB = unpack(b);
  const out = new Uint8Array(WIDTH * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      if (bitsA[y * WIDTH + x] === bitsB[y * WIDTH + x]) continue;
      for (let yy = Math.max(0, y - grow); yy <= Math.min(HEIGHT - 1, y + grow); yy++) out.fill(1, yy * WIDTH + Math.max(0, x - grow), yy * WIDTH + Math.min(WIDTH - 1, x + grow) + 1);
    }
  }
  return out;
}

/** Intersection over union of the ink of two packed frames within a region (changedRegion); 1 when neither has ink there. */
export function regionIoU(a: Uint8Array, b: Uint8Array, region: Uint8Array): number {
  const bitsA = unpack(a);
  const bitsB = unpack(b);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    inter += bitsA[i] & bitsB[i];
    union += bitsA[i] | bitsB[i];
  }
  return union ? inter / union : 1;
}
