/*
 * The decoder as `moodface pack` puts it into a pack: the .tflite bytes for MODL, and for LATN each
 * keyframe's int8 latent from latents.json (generated keyframes are in EMOTIONS x bands order).
 * Everything is checked before it goes in: a pack that `pack` writes is a pack the firmware and
 * `preview` accept.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../lib/data.js";
import { reason } from "../lib/files.js";
import { describe } from "../lib/text.js";
import { latentsSection, type PackEntry } from "../faces/pack-writer.js";
import { checkModel } from "./native.js";
import type { LatentsDoc } from "./invert.js";

export interface LoadedDecoder {
  model: Uint8Array;
  modelFile: string;
  latentsFile: string;
  doc: LatentsDoc;
}

/** The decoder in `dir` (decoder.tflite and latents.json), every part checked; errors name the file and field. */
export function loadDecoder(dir: string): LoadedDecoder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--decoder ${dir}: no such folder (it holds decoder.tflite and latents.json, e.g. frames or build/decoder)`);
  const modelFile = join(dir, "decoder.tflite");
  const latentsFile = join(dir, "latents.json");
  for (const f of [modelFile, latentsFile]) if (!existsSync(f)) throw new UsageError(`--decoder ${dir}: ${f} is missing (moodface decoder train writes both files)`);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(latentsFile, "utf8"));
  } catch (e) {
    throw new UsageError(`${latentsFile}: ${e instanceof SyntaxError ? `not valid JSON (${e.message})` : `cannot read: ${reason(e)}`}`);
  }
  if (doc === null || typeof doc !== "object" || doc.format !== "moodface-latents" || !Number.isInteger(doc.dims) || !Array.isArray(doc.keyframes)) {
    throw new UsageError(`${latentsFile}: format: expected "moodface-latents" with dims and keyframes`);
  }
  const dims = doc.dims as number;
  const model = new Uint8Array(readFileSync(modelFile));
  // The structural check both backends run (native/decoder/model.c), against the latents' size: a
  // model the robot would refuse, or latents it could not decode, never reach a pack.
  const verdict = checkModel(model, dims);
  if (verdict) throw new UsageError(`${modelFile}: ${verdict}`);
  (doc.keyframes as unknown[]).forEach((z, i) => {
    if (!Array.isArray(z) || z.length !== dims || !z.every((v) => Number.isInteger(v) && v >= -128 && v <= 127)) {
      throw new UsageError(`${latentsFile}: keyframes[${i}]: expected ${dims} whole numbers from -128 to 127, got ${describe(z)}`);
    }
  });
  return { model, modelFile, latentsFile, doc: doc as unknown as LatentsDoc };
}

/** The decoder in `dir` for generated keyframes: each entry gets its trained latent from latents.json. */
export function readDecoder(dir: string, entries: readonly PackEntry[]): { model: Uint8Array; latents: Uint8Array } {
  const { model, doc } = loadDecoder(dir);
  const per = entries.map((e) => doc.keyframes[e.emotion * 3 + e.band] as number[] | undefined);
  return { model, latents: latentsSection(doc.dims, per) };
}
