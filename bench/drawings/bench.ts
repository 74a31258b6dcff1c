/*
 * A person's distinct drawings that morph (docs/decoder.md, "In-betweens the decoder learns"): the
 * eight held-out faces of examples/inbetweens/keys are packed as `moodface pack <folder>` packs
 * drawings (contain, auto invert, threshold) and the decoder is fitted to them (tools/decoder/fit.ts:
 * inversion, fine-tuning with geometric in-betweens), timed with the cores' load. Then, per pair with
 * a drawn in-between (examples/inbetweens/between, never packed): ink IoU in the changed region
 * (pixels where the two ends differ, grown 2 px) against the drawn in-between, of the decoder's latent
 * midpoint, the animator's halfway crossfade, and either end.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { FRAMES_DIR } from "../../tools/faces/defaults.js";
import { fitDecoder, type Fit } from "../../tools/decoder/fit.js";
import { loadImage } from "../../tools/faces/sources.js";
import { decodeMany } from "../../tools/decoder/invert.js";
import { changedRegion, regionIoU } from "../../tools/decoder/evaluate.js";
import { crossfade } from "../../modules/face/animator.js";
import { FRAME_BYTES } from "../../modules/common/geometry.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { PAIRS, betweenFile, keyFile, type HeldOutPair } from "./hand.js";

/** How `moodface pack` reads a drawing by default (docs/drawing.md). */
export const DRAWING_OPTIONS = { fit: "contain", invert: "auto", dither: "auto", level: 128 } as const;

export interface DrawingsRow {
  pair: HeldOutPair;
  decoder: number;
  crossfade: number;
  a: number;
  b: number;
}

export interface DrawingsResult {
  fit: Fit;
  seconds: number;
  /** CPU seconds of this process and the children it waited for (decoder-cli, Python): what the fit costs whatever the load. */
  cpuSeconds: number;
  load: [number, number];
  rows: DrawingsRow[];
}


/** Decoder midpoint, crossfade and both ends of a held-out pair, each as IoU in the changed region against the drawn in-between. */
export async function scorePair(model: string, frames: Uint8Array[], latents: (number[] | undefined)[], p: HeldOutPair): Promise<DrawingsRow> {
  const ia = EMOTIONS.indexOf(p.a);
  const ib = EMOTIONS.indexOf(p.b);
  const truth = await loadImage(betweenFile(p), DRAWING_OPTIONS);
  const region = changedRegion(frames[ia], frames[ib]);
  const za = latents[ia];
  const zb = latents[ib];
  const [mid] = za && zb ? decodeMany(model, [za.map((v, j) => Math.round((v + zb[j]) / 2))]) : [new Uint8Array(FRAME_BYTES)];
  const fade = new Uint8Array(FRAME_BYTES);
  crossfade(frames[ia], frames[ib], 8, fade);
  return { pair: p, decoder: regionIoU(mid, truth, region), crossfade: regionIoU(fade, truth, region), a: regionIoU(frames[ia], truth, region), b: regionIoU(frames[ib], truth, region) };
}

/** User and system CPU seconds of this process and its waited-for children (Linux /proc: utime, stime, cutime, cstime). */
function cpuSeconds(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  // Fields 14-17 of proc(5), counted from 1 with the pid and comm (split off above) as 1 and 2.
  return fields.slice(11, 15).reduce((s, v) => s + Number(v), 0) / 100;
}

export async function drawingsBench(): Promise<DrawingsResult> {
  const frames = await Promise.all(EMOTIONS.map((e) => loadImage(keyFile(e), DRAWING_OPTIONS)));
  const load = loadavg();
  const cpu = cpuSeconds();
  const started = performance.now();
  const fit = await fitDecoder(FRAMES_DIR, frames.map((frame, i) => ({ name: `${EMOTIONS[i]}-medium.png`, frame })), { seed: 1, inBetweens: "transport" });
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds() - cpu;
  const after = loadavg();
  const dir = mkdtempSync(join(tmpdir(), "moodface-drawings-"));
  try {
    const model = join(dir, "decoder.tflite");
    writeFileSync(model, fit.model);
    const rows: DrawingsRow[] = [];
    for (const p of PAIRS) rows.push(await scorePair(model, frames, fit.latents, p));
    return { fit, seconds, cpuSeconds: cpuUsed, load: [load[0], after[0]], rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printDrawings(r: DrawingsResult): void {
  const f = r.fit;
  console.log("## A person's drawings that morph: examples/inbetweens (8 distinct faces, drawn in-betweens never packed)");
  console.log(
    `fit of 8 drawings: ${r.seconds.toFixed(1)} s in all, ${r.cpuSeconds.toFixed(1)} s of CPU (inversion ${(f.timing.inversionMs / 1000).toFixed(1)} s, rendering the family ${((f.timing.renderMs ?? 0) / 1000).toFixed(1)} s, fine-tuning ${f.timing.fineTuneSeconds ?? "-"} s for ${f.timing.steps ?? "-"} steps of ${((f.timing.fineTuneWallMs ?? 0) / 1000).toFixed(1)} s with Python's start and the int8 export; ` +
      `load average ${r.load[0].toFixed(2)} before, ${r.load[1].toFixed(2)} after, 1 min); keyframes ${Math.min(...f.agreements) * 100 > 0 ? (Math.min(...f.agreements) * 100).toFixed(1) : "-"}-${(Math.max(...f.agreements) * 100).toFixed(1)}%, ${f.latents.filter(Boolean).length}/8 morph`,
  );
  console.log("IoU in the changed region against the drawn in-between:");
  console.log("pair              part   what                        decoder  crossfade  end a  end b  margin");
  for (const x of r.rows) {
    const margin = x.decoder - x.crossfade;
    const ok = margin >= 0.1 && x.decoder > x.a && x.decoder > x.b ? "" : "  (goal missed)";
    console.log(`${`${x.pair.a}-${x.pair.b}`.padEnd(16)}  ${x.pair.part.padEnd(5)}  ${x.pair.what.padEnd(26)}  ${x.decoder.toFixed(3).padStart(7)}  ${x.crossfade.toFixed(3).padStart(9)}  ${x.a.toFixed(3)}  ${x.b.toFixed(3)}  ${(margin >= 0 ? "+" : "") + margin.toFixed(3)}${ok}`);
  }
  const mean = (k: "decoder" | "crossfade") => r.rows.reduce((s, x) => s + x[k], 0) / r.rows.length;
  console.log(`mean: decoder ${mean("decoder").toFixed(3)}, crossfade ${mean("crossfade").toFixed(3)}; goal: decoder >= crossfade + 0.10 and above both ends, every pair`);
}
