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
import { checkModel, modelInfo } from "./native.js";
import { overBudget } from "./budget.js";
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
  // What inversion and fine-tuning read: the input quantization and the linear encoder.
  const numbers = (v: unknown, n?: number) => Array.isArray(v) && (n === undefined || v.length === n) && v.every((x) => typeof x === "number" && Number.isFinite(x));
  if (!(typeof doc.scale === "number" && doc.scale > 0)) throw new UsageError(`${latentsFile}: scale: expected a positive number, got ${describe(doc.scale)}`);
  if (!Number.isInteger(doc.zeroPoint) || (doc.zeroPoint as number) < -128 || (doc.zeroPoint as number) > 127) throw new UsageError(`${latentsFile}: zeroPoint: expected a whole number from -128 to 127, got ${describe(doc.zeroPoint)}`);
  if (!numbers(doc.paramMean)) throw new UsageError(`${latentsFile}: paramMean: expected an array of numbers`);
  const p = (doc.paramMean as number[]).length;
  if (!numbers(doc.paramStd, p)) throw new UsageError(`${latentsFile}: paramStd: expected ${p} numbers, as paramMean`);
  const enc = doc.encoder as { kernel?: unknown; bias?: unknown } | undefined;
  if (!enc || !Array.isArray(enc.kernel) || enc.kernel.length !== p || !enc.kernel.every((row) => numbers(row, dims)) || !numbers(enc.bias, dims)) {
    throw new UsageError(`${latentsFile}: encoder: expected {"kernel": ${p} rows of ${dims} numbers, "bias": ${dims} numbers}`);
  }
  (doc.keyframes as unknown[]).forEach((z, i) => {
    if (!Array.isArray(z) || z.length !== dims || !z.every((v) => Number.isInteger(v) && v >= -128 && v <= 127)) {
      throw new UsageError(`${latentsFile}: keyframes[${i}]: expected ${dims} whole numbers from -128 to 127, got ${describe(z)}`);
    }
  });
  // The board's budgets, whatever path the model takes into a pack (tools/decoder/budget.ts).
  const over = overBudget(modelInfo(modelFile));
  if (over.length) throw new UsageError(`${modelFile}: the decoder is over the decoder budgets: ${over.join(", ")}; refusing to ship it`);
  return { model, modelFile, latentsFile, doc: doc as unknown as LatentsDoc };
}

/** The decoder in `dir` for generated keyframes: each entry gets its trained latent from latents.json. */
export function readDecoder(dir: string, entries: readonly PackEntry[]): { model: Uint8Array; latents: Uint8Array } {
  const { model, doc } = loadDecoder(dir);
  const per = entries.map((e) => doc.keyframes[e.emotion * 3 + e.band] as number[] | undefined);
  return { model, latents: latentsSection(doc.dims, per) };
}
