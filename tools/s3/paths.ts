/*
 * Every path that runs on the emulated ESP32-S3, in one list: `npm run test:device` (tests/device)
 * checks each against the host and its budgets, `npm run bench -- device` prints each one's figures.
 * To add a path (the board's TFLM + ESP-NN decoder, XS itself): write a module under tools/s3/ that
 * exports a DevicePath (a decoder path only needs a DecoderBackend: decoderPath(backend)) and add it
 * to DEVICE_PATHS below.
 */
import { readFileSync } from "node:fs";
import { BOARD_HZ, FRAME_MS, findKit, type Kit } from "./kit.js";
import { compareWithHost, freshLatents, MODEL, REFERENCE, REFERENCE_ESPNN, runDecoder, type DecoderBackend, type DecoderRun } from "./decoder.js";

/** One measured figure: instructions for something that happens once per frame or per inference. */
export interface Figure {
  label: string;
  instructions: number;
}

export interface DeviceResult {
  id: string;
  title: string;
  /** The headline: instructions per inference (decoder) or per engine step / frame (XS). */
  figures: Figure[];
  /** Per operator (decoder paths) or per part, per inference. */
  breakdown: Figure[];
  /** Other facts worth printing (arena bytes, where the model sat, latents checked). */
  notes: string[];
  /** What differs from the host (empty: bit-identical). */
  mismatches: string[];
  /** Budgets exceeded (empty: within every budget). */
  overBudget: string[];
}

export interface DevicePath {
  id: string;
  title: string;
  /** Builds, runs on the emulator, compares with the host and checks the budgets. */
  measure(kit: Kit): DeviceResult;
}

/** Latents per check: at least 64 fresh ones (issue 18) plus the committed keyframes' own. */
export const FRESH_LATENTS = 64;

function keyframeLatents(size: number): Int8Array {
  const json = JSON.parse(readFileSync(new URL("../../frames/latents.json", import.meta.url), "utf8")) as { keyframes?: number[][] };
  const rows = (json.keyframes ?? []).filter((l) => Array.isArray(l) && l.length === size);
  return Int8Array.from(rows.flat());
}

/** The latents every decoder path decodes: FRESH_LATENTS seeded ones, then the keyframes'. */
export function checkLatents(size = 8): Int8Array {
  const fresh = freshLatents(FRESH_LATENTS, size);
  const keys = keyframeLatents(size);
  const all = new Int8Array(fresh.length + keys.length);
  all.set(fresh, 0);
  all.set(keys, fresh.length);
  return all;
}

/** A DevicePath for a decoder backend: runs the committed model on checkLatents(). */
export function decoderPath(backend: DecoderBackend): DevicePath {
  return {
    id: backend.id,
    title: backend.title,
    measure(kit: Kit): DeviceResult {
      const latents = checkLatents();
      const run: DecoderRun = runDecoder(backend, MODEL, latents, { kit });
      const mismatch = compareWithHost(backend, MODEL, latents, 8, run, { kit });
      const mismatches = mismatch
        ? [`latent ${mismatch.latent}: ${mismatch.what} differ from the host's` + (mismatch.byte !== undefined && mismatch.byte >= 0 ? ` first at byte ${mismatch.byte} (device ${mismatch.device}, host ${mismatch.host})` : "")]
        : [];
      const overBudget: string[] = [];
      const b = backend.budget;
      if (b?.instructionsPerInference !== undefined && run.perInference > b.instructionsPerInference)
        overBudget.push(`${Math.round(run.perInference)} instructions per inference (budget ${b.instructionsPerInference})`);
      if (b?.arenaBytes !== undefined && run.arena + run.scratch > b.arenaBytes) overBudget.push(`arena with scratch ${run.arena + run.scratch} bytes (budget ${b.arenaBytes})`);
      return {
        id: backend.id,
        title: backend.title,
        figures: [
          { label: "per inference", instructions: run.perInference },
          { label: "frame conversion (md_logits_to_frame)", instructions: run.perFrameConversion },
        ],
        breakdown: run.ops.map((o) => ({ label: o.name, instructions: o.instructions })),
        notes: [
          `${run.count} latents (${FRESH_LATENTS} fresh + the keyframes'), logits and frames ${mismatches.length ? "DIFFER" : "bit-identical to the host"}`,
          `arena ${run.arena} bytes + kernel scratch ${run.scratch} bytes; model at 0x${run.modelAddress.toString(16)}; opening the model ${Math.round(run.open)} instructions`,
          ...(b ? [`budget: ${b.instructionsPerInference ?? "-"} instructions per inference, ${b.arenaBytes ?? "-"} bytes of arena with scratch`] : []),
        ],
        mismatches,
        overBudget,
      };
    },
  };
}

/**
 * Budgets (issue 18): the board's decoder at most 800,000 instructions per inference with at most
 * 40 KB of arena including ESP-NN's scratch. The reference + ESP-NN path runs the same kernels
 * (without TFLM's interpreter) and is held to the same budget; the plain reference has none (it
 * is what lin runs, never the board).
 */
export const DECODER_BUDGET = { instructionsPerInference: 800_000, arenaBytes: 40 * 1024 };

export const DEVICE_PATHS: DevicePath[] = [
  decoderPath(REFERENCE),
  decoderPath({ ...REFERENCE_ESPNN, budget: DECODER_BUDGET }),
  // The board's own path (TFLM + ESP-NN, tools/s3/tflm) and XS (tools/s3/xs) are added here.
];

/** Lower-bound milliseconds at the board's 240 MHz (one instruction per cycle at best) and share of a 33 ms frame. */
export function atBoardClock(instructions: number): { ms: number; frameShare: number } {
  const ms = (instructions / BOARD_HZ) * 1000;
  return { ms, frameShare: ms / FRAME_MS };
}

export { findKit };
