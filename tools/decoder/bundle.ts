/*
 * The decoder as `moodface pack` puts it into a pack: the .tflite bytes for MODL, and for LATN each
 * keyframe's int8 latent from latents.json (generated keyframes are in EMOTIONS x bands order).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../lib/data.js";
import { latentsSection, type PackEntry } from "../faces/pack-writer.js";
import { checkModel } from "./native.js";

export function readDecoder(dir: string, entries: readonly PackEntry[]): { model: Uint8Array; latents: Uint8Array } | undefined {
  const modelFile = join(dir, "decoder.tflite");
  const latentsFile = join(dir, "latents.json");
  if (!existsSync(modelFile) || !existsSync(latentsFile)) return undefined;
  let doc: { format?: string; dims?: number; keyframes?: number[][] };
  try {
    doc = JSON.parse(readFileSync(latentsFile, "utf8"));
  } catch (e) {
    throw new UsageError(`${latentsFile}: not valid JSON (${(e as Error).message})`);
  }
  if (doc.format !== "moodface-latents" || !Number.isInteger(doc.dims) || !Array.isArray(doc.keyframes)) {
    throw new UsageError(`${latentsFile}: format: expected "moodface-latents" with dims and keyframes`);
  }
  const dims = doc.dims!;
  const keys = doc.keyframes!;
  const per = entries.map((e) => keys[e.emotion * 3 + e.band]);
  const model = new Uint8Array(readFileSync(modelFile));
  // The structural check both backends run (native/decoder/model.c), against the latents' size: a
  // model the robot would refuse, or latents it could not decode, never reach a pack.
  const verdict = checkModel(model, dims);
  if (verdict) throw new UsageError(`${modelFile}: ${verdict}`);
  per.forEach((z, i) => {
    if (z && z.length !== dims) throw new UsageError(`${latentsFile}: keyframe ${i} has ${z.length} values, dims says ${dims}`);
  });
  return { model, latents: latentsSection(dims, per) };
}
