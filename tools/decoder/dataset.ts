/*
 * Training data for the latent decoder: faces from the generator's continuous family. Each sample is
 * a parameter vector (a blend of two expressions at random strengths, with random blink and gaze)
 * and its 1-bit 128x64 rendering. Deterministic for a seed. Written as raw little-endian files for
 * the Python trainer (docs/decoder.md): params.f32 (N x P float32), images.u8 (N x 8192, 0/1).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { Random } from "../../modules/common/random.js";
import { expression, lerpParams, NEUTRAL, type FaceParams } from "../faces/face.js";
import { faceGrey, toOneBit } from "../faces/render.js";

/** The parameter order of params.f32 (and of the decoder's encoder input). */
export const PARAM_KEYS = Object.keys(NEUTRAL) as (keyof FaceParams)[];

export function paramVector(p: FaceParams): Float32Array {
  return Float32Array.from(PARAM_KEYS, (k) => p[k]);
}

/** Sample i of the family for a seed: keyframes first (every emotion and band), then blends. */
export function sampleParams(seed: number, count: number): FaceParams[] {
  const r = new Random(seed);
  const u = () => r.next() / 4294967296;
  const out: FaceParams[] = [];
  for (const e of EMOTIONS) for (let b = 0; b < 3; b++) out.push(expression(e, b));
  while (out.length < count) {
    const a = expression(EMOTIONS[r.range(0, EMOTIONS.length - 1)], r.range(0, 2));
    const b = expression(EMOTIONS[r.range(0, EMOTIONS.length - 1)], r.range(0, 2));
    const p = lerpParams(a, b, u());
    if (u() < 0.25) p.eyeOpen *= 0.05 + 0.95 * u(); // part-way through a blink
    if (u() < 0.3) {
      p.gazeX = 2 * u() - 1;
      p.gazeY = 2 * u() - 1;
    }
    out.push(p);
  }
  return out;
}

export async function writeDataset(dir: string, seed: number, count: number, onSample?: () => void): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const params = sampleParams(seed, count);
  const p = new Float32Array(count * PARAM_KEYS.length);
  const img = new Uint8Array(count * 128 * 64);
  for (let i = 0; i < count; i++) {
    p.set(paramVector(params[i]), i * PARAM_KEYS.length);
    img.set(toOneBit(await faceGrey(params[i])), i * 8192);
    onSample?.();
  }
  writeFileSync(join(dir, "params.f32"), Buffer.from(p.buffer));
  writeFileSync(join(dir, "images.u8"), Buffer.from(img.buffer));
  writeFileSync(join(dir, "meta.json"), JSON.stringify({ count, seed, params: PARAM_KEYS, keyframes: EMOTIONS.length * 3, width: 128, height: 64 }, null, 2));
}
