/*
 * Latents for keyframes the decoder has never seen, by per-keyframe optimisation against the int8
 * decoder itself (the C reference backend, decoder-cli: the same bytes the robot runs). Start: the
 * best of the known keyframe latents and, for robot-style faces, the trained linear encoder of their
 * generator parameters; then coordinate descent over the int8 latent values with shrinking steps,
 * scored by pixel agreement. Deterministic: no randomness beyond the seed, which orders the
 * coordinates. No Python and no GPU needed.
 */
import { readFileSync } from "node:fs";
import { Random } from "../../modules/common/random.js";
import { agreement, decodeFrames } from "./evaluate.js";
import { buildDecoderCli } from "./native.js";
import { PARAM_KEYS } from "./dataset.js";
import type { FaceParams } from "../faces/face.js";

export interface LatentsDoc {
  dims: number;
  scale: number;
  zeroPoint: number;
  paramMean: number[];
  paramStd: number[];
  encoder: { kernel: number[][]; bias: number[] };
  keyframes: number[][];
}

export function readLatents(file: string): LatentsDoc {
  return JSON.parse(readFileSync(file, "utf8")) as LatentsDoc;
}

/** The linear encoder of latents.json: generator parameters to an int8 latent. */
export function encode(doc: LatentsDoc, p: FaceParams): number[] {
  const x = PARAM_KEYS.map((k, i) => (p[k] - doc.paramMean[i]) / doc.paramStd[i]);
  const z: number[] = [];
  for (let j = 0; j < doc.dims; j++) {
    let s = doc.encoder.bias[j];
    for (let i = 0; i < x.length; i++) s += x[i] * doc.encoder.kernel[i][j];
    z.push(Math.max(-128, Math.min(127, Math.round(s / doc.scale + doc.zeroPoint))));
  }
  return z;
}

// Pixel agreement is evaluate.ts's, re-exported for the photo and drawing paths.
export { agreement };

export interface Inversion {
  latent: number[];
  agreement: number;
  /** Decodes tried. */
  evaluations: number;
}

/** Decodes many latents at once: one decoder-cli call. */
export function decodeMany(model: string, latents: number[][]): Uint8Array[] {
  const cli = buildDecoderCli();
  const flat = Int8Array.from(latents.flat());
  const out = decodeFrames(cli, model, flat);
  return latents.map((_, i) => out.subarray(i * 1024, (i + 1) * 1024));
}

export function invert(model: string, target: Uint8Array, starts: number[][], seed = 1, maxRounds = 40): Inversion {
  const dims = starts[0].length;
  const r = new Random(seed);
  let evaluations = 0;
  const score = (zs: number[][]) => {
    evaluations += zs.length;
    return decodeMany(model, zs).map((f) => agreement(f, target));
  };
  // Starts: the given latents and every midpoint of two of them (morph in-betweens).
  const all = starts.slice();
  for (let i = 0; i < starts.length; i++) for (let j = i + 1; j < starts.length; j++) all.push(starts[i].map((v, k) => Math.round((v + starts[j][k]) / 2)));
  starts = all;
  const s0 = score(starts);
  let best = starts[s0.indexOf(Math.max(...s0))].slice();
  let bestScore = Math.max(...s0);
  const steps = [32, 16, 8, 4, 2, 1];
  for (let round = 0; round < maxRounds; round++) {
    // Every coordinate at every step size, both ways, in one batch; take the best single move.
    const order = Array.from({ length: dims }, (_, i) => i);
    for (let i = dims - 1; i > 0; i--) {
      const j = r.range(0, i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const tries: number[][] = [];
    for (const d of order) {
      for (const s of steps) {
        for (const sign of [-1, 1]) {
          const z = best.slice();
          z[d] = Math.max(-128, Math.min(127, z[d] + sign * s));
          if (z[d] !== best[d]) tries.push(z);
        }
      }
    }
    // Pairs of coordinates moved together at small steps, for ridges single moves cannot climb.
    for (let a = 0; a < dims; a++) for (let b = a + 1; b < dims; b++) for (const sa of [-2, 2]) for (const sb of [-2, 2]) {
      const z = best.slice();
      z[a] = Math.max(-128, Math.min(127, z[a] + sa));
      z[b] = Math.max(-128, Math.min(127, z[b] + sb));
      tries.push(z);
    }
    const sc = score(tries);
    const k = sc.indexOf(Math.max(...sc));
    if (sc[k] <= bestScore) break;
    best = tries[k];
    bestScore = sc[k];
  }
  return { latent: best, agreement: bestScore, evaluations };
}
