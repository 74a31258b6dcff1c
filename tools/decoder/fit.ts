/*
 * Latents for the keyframes of a pack (docs/decoder.md, "Keyframes the decoder never saw"): generated
 * faces keep the latent they were trained with; others (photo sketches, a person's drawings) get one
 * by inversion against the int8 model; when a keyframe still decodes to fewer than 98% of its pixels,
 * the decoder is fine-tuned on the pack's keyframes (tools/decoder/finetune.py) and used if it draws
 * more of them. Every model that goes into the pack is checked against the budgets; a keyframe still
 * under 98% gets no latent and crossfades. Reports reconstruction per keyframe and the transitions'
 * midpoint IoU against a crossfade, where an in-between drawing exists to compare with.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FRAME_BYTES } from "../../modules/common/geometry.js";
import { crossfade } from "../../modules/face/animator.js";
import { UsageError } from "../lib/data.js";
import { bar, python, runPythonTool } from "../lib/python.js";
import { unpack } from "../faces/render.js";
import { loadDecoder } from "./bundle.js";
import { overBudget } from "./budget.js";
import { writeDataset } from "./dataset.js";
import { iou } from "./evaluate.js";
import { agreement, decodeMany, invert, type LatentsDoc } from "./invert.js";
import { checkModel, modelInfo } from "./native.js";

/** A keyframe whose latent decodes to fewer matching pixels than this gets no latent (it crossfades). */
export const MIN_RECONSTRUCTION = 0.98;
/**
 * Faces of the generator's family the fine-tuning keeps drawing, so in-betweens stay faces: 2,000 with
 * the in-between prior, 1,000 with transported in-betweens (a person's drawings, photo packs:
 * rendering them is 7 s of the 90 s the eight-drawing fit may take).
 */
export const FAMILY_SAMPLES = { prior: 2000, transport: 1000 } as const;

export interface FitKey {
  /** What the report calls it: "joy-strong", a file name. */
  name: string;
  /** The packed 1-bit frame. */
  frame: Uint8Array;
  /** Index in latents.json's keyframes of the latent the decoder was trained with (a generated face). */
  trained?: number;
}

export interface FitOptions {
  seed: number;
  /** Fine-tune when inversion is not enough (default true). */
  fineTune?: boolean;
  /** The true in-between of keyframes a and b, drawn by whatever drew them; undefined when there is none. */
  midpoint?: (a: number, b: number) => Promise<Uint8Array | undefined>;
  /** Most fine-tuning steps (finetune.py's default when not given). */
  steps?: number;
  /**
   * What fine-tuning teaches between keyframes (finetune.py --in-betweens): "transport" (drawings and
   * photo sketches: the pairs' ink moved part by part, docs/decoder.md "In-betweens the decoder learns") or
   * "prior" (the default when unset: keep the shared ink, draw nothing far from either end).
   */
  inBetweens?: "transport" | "prior";
}

export interface Fit {
  model: Uint8Array;
  dims: number;
  /** Per key: its int8 latent, or undefined (it crossfades). */
  latents: (number[] | undefined)[];
  /** The report, indented lines for the pack's output. */
  lines: string[];
  agreements: number[];
  fineTuned: boolean;
  /** Transition midpoints against their true in-betweens, where one exists. */
  midpointIoU?: MidpointIoU;
  /** Keyframes inverted and the time it took; fine-tuning's seconds and steps when it ran. */
  timing: { inverted: number; inversionMs: number; fineTuneSeconds?: number; steps?: number; renderMs?: number; fineTuneWallMs?: number };
  /** Per key, its reconstruction before fine-tuning (trained latent or inversion). */
  before: number[];
}

const pct = (a: number) => `${(a * 100).toFixed(1)}%`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Keyframe pairs' midpoint IoU: all scored pairs, and those between two keyframes the decoder never saw. */
export interface MidpointIoU {
  decoder: number;
  crossfade: number;
  pairs: number;
  /** Pairs of two new keyframes (photos, drawings): where fitting had to make the morph. */
  unseen: { decoder: number; crossfade: number; pairs: number };
}

export async function fitDecoder(dir: string, keys: FitKey[], o: FitOptions): Promise<Fit> {
  const loaded = loadDecoder(dir);
  const lines: string[] = [];
  const width = Math.max(16, ...keys.map((k) => k.name.length + 1));
  const started = performance.now();
  // Python and TensorFlow take seconds to start (16 s on busy cores): when fine-tuning may follow, the
  // fine-tuner starts now and waits (--wait) while the keyframes are inverted, then goes or is stopped.
  let staging: string | undefined;
  let go: (yes: boolean) => void = () => undefined;
  let early: Promise<string[]> | undefined;
  let noFineTune: string | undefined;
  const mayFineTune = o.fineTune !== false && keys.some((k) => k.trained === undefined);
  if (mayFineTune) {
    staging = mkdtempSync(join(tmpdir(), "moodface-finetune-"));
    // Ctrl-C or kill mid-way: the staging folder (8 MB of rendered faces) does not stay behind.
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      python();
      early = runPythonTool("finetune.py", [...fineTuneArgs(loaded.modelFile, loaded.latentsFile, keys, staging, o), "--wait"], "fine-tuning [{bar}] {percentage}% | step {value}/{total} | {duration_formatted} elapsed | ETA {eta_formatted}", "fine-tuning", {}, new Promise<boolean>((resolve) => (go = resolve)));
      early.catch(() => undefined); // awaited (and its failure reported) once fine-tuning is decided
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      noFineTune = e.message;
    }
  }
  try {
    // 1. Trained latents and inversion, with the given model.
    const latents: number[][] = [];
    const agreements: number[] = [];
    const how: string[] = [];
    const unseen = keys.filter((k) => k.trained === undefined).length;
    const b = bar("inverting [{bar}] {value}/{total} keyframes | ETA {eta_formatted}");
    if (unseen > 1) b.start(unseen, 0);
    let invertMs = 0;
    const trained = keys.map((k) => {
      if (k.trained === undefined) return undefined;
      const z = loaded.doc.keyframes[k.trained];
      if (!z) throw new UsageError(`${loaded.latentsFile}: keyframes: ${loaded.doc.keyframes.length} latents, but ${k.name} is generated keyframe ${k.trained} (a decoder trained for the 24 default keyframes is needed)`);
      return z;
    });
    const known = trained.filter((z): z is number[] => z !== undefined);
    const decodedKnown = known.length ? decodeMany(loaded.modelFile, known) : [];
    let next = 0;
    for (const [i, k] of keys.entries()) {
      const z = trained[i];
      if (z) {
        latents.push(z);
        agreements.push(agreement(decodedKnown[next++], k.frame));
        how.push("trained latent");
        continue;
      }
      const t = performance.now();
      const inv = invert(loaded.modelFile, k.frame, loaded.doc.keyframes, o.seed);
      invertMs += performance.now() - t;
      latents.push(inv.latent);
      agreements.push(inv.agreement);
      how.push(`by inversion in ${secs(performance.now() - t)}`);
      if (unseen > 1) b.increment();
    }
    if (unseen > 1) b.stop();
    if (unseen) lines.push(`  inversion: ${unseen} keyframe${unseen === 1 ? "" : "s"} in ${secs(invertMs)}`);
    // 2. Fine-tuning, when inversion leaves a keyframe under the bar.
    let modelFile = loaded.modelFile;
    let model = loaded.model;
    let final = agreements.slice();
    let fineTuned = false;
    const timing: Fit["timing"] = { inverted: unseen, inversionMs: invertMs };
    const below = agreements.filter((a) => a < MIN_RECONSTRUCTION).length;
    let tuned: Awaited<ReturnType<typeof fineTune>> | undefined;
    if (below > 0 && early && staging) {
      try {
        tuned = await fineTune(keys, latents, staging, o, go, early);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        noFineTune = e.message;
      }
    } else go(false);
    if (below > 0 && noFineTune) {
      lines.push(`  ${below} keyframe${below === 1 ? "" : "s"} under ${pct(MIN_RECONSTRUCTION)}, and no fine-tuning (${noFineTune}); they crossfade (--no-fine-tune skips trying)`);
    } else if (tuned && staging) {
      const from = `the decoder fine-tuned from ${loaded.modelFile}`;
      const verdict = checkModel(new Uint8Array(readFileSync(tuned.modelFile)), loaded.doc.dims);
      if (verdict) throw new UsageError(`${from}: ${verdict}`);
      const info = modelInfo(tuned.modelFile);
      const over = overBudget(info);
      if (over.length) throw new UsageError(`${from} is over the decoder budgets: ${over.join(", ")}; refusing to ship it`);
      timing.fineTuneSeconds = tuned.seconds;
      timing.steps = tuned.steps;
      timing.renderMs = tuned.renderMs;
      timing.fineTuneWallMs = tuned.wallMs;
      const decoded = decodeMany(tuned.modelFile, tuned.doc.keyframes);
      const tunedLatents = tuned.doc.keyframes.map((z) => z.slice());
      const tunedAgreements = keys.map((k, i) => agreement(decoded[i], k.frame));
      // Quantization moves a latent a little: polish the ones under the bar against the int8 model.
      keys.forEach((k, i) => {
        if (tunedAgreements[i] >= MIN_RECONSTRUCTION) return;
        const inv = invert(tuned!.modelFile, k.frame, [tunedLatents[i]], o.seed, 10);
        if (inv.agreement > tunedAgreements[i]) [tunedLatents[i], tunedAgreements[i]] = [inv.latent, inv.agreement];
      });
      const passing = (as: number[]) => as.filter((a) => a >= MIN_RECONSTRUCTION).length;
      const mean = (as: number[]) => as.reduce((x, y) => x + y, 0) / as.length;
      if (passing(tunedAgreements) > passing(agreements) || (passing(tunedAgreements) === passing(agreements) && mean(tunedAgreements) > mean(agreements))) {
        fineTuned = true;
        modelFile = tuned.modelFile; // in staging, removed once the report is done
        model = new Uint8Array(readFileSync(modelFile));
        latents.splice(0, latents.length, ...tunedLatents);
        final = tunedAgreements;
      }
      lines.push(
        `  fine-tuning: ${below} keyframe${below === 1 ? "" : "s"} under ${pct(MIN_RECONSTRUCTION)} by inversion; the decoder fine-tuned on the pack's ${keys.length} keyframes in ${tuned.seconds} s (${tuned.steps} steps, seed ${o.seed}): ` +
          `${info.macs} MACs, ${info.weights} bytes of weights, ops ${[...new Set(info.ops)].join(", ")}: within budget; ` +
          (fineTuned ? `${passing(tunedAgreements)} of ${keys.length} keyframes at ${pct(MIN_RECONSTRUCTION)} or more (was ${passing(agreements)}): shipped` : `it drew no more keyframes (${passing(tunedAgreements)} of ${keys.length}): the original decoder is kept`),
      );
      if (tuned.pairs) lines.push(`  in-betweens: the ink of ${tuned.pairs} pair${tuned.pairs === 1 ? "" : "s"} of new keyframes moved 1/4, 1/2 and 3/4 of the way (optimal transport per face part), taught at those points of each latent path`);
    } else if (below > 0) {
      lines.push(`  ${below} keyframe${below === 1 ? "" : "s"} under ${pct(MIN_RECONSTRUCTION)} and fine-tuning is off (--no-fine-tune): they crossfade`);
    }
    // Pixels agreeing is the bar (98%); ink IoU says how much of the drawing itself is there (line art
    // is a few % ink, so a blank screen already agrees on most pixels).
    const drawn = decodeMany(modelFile, latents);
    lines.push("  reconstruction (share of pixels the decoder draws as the keyframe; ink IoU):");
    keys.forEach((k, i) => {
      const after = fineTuned && k.trained === undefined ? ` -> ${pct(final[i])} fine-tuned` : fineTuned ? ` -> ${pct(final[i])} with the fine-tuned decoder` : "";
      const dropped = final[i] < MIN_RECONSTRUCTION ? `: under ${pct(MIN_RECONSTRUCTION)}, no latent (this keyframe crossfades)` : "";
      lines.push(`    ${k.name.padEnd(width)} ${pct(agreements[i])} ${how[i]}${after} (ink IoU ${iou(drawn[i], k.frame).toFixed(2)})${dropped}`);
    });
    const kept = latents.map((z, i) => (final[i] >= MIN_RECONSTRUCTION ? z : undefined));
    const midpointIoU = o.midpoint ? await transitions(modelFile, keys, kept, o.midpoint) : undefined;
    if (midpointIoU) {
      lines.push(
        midpointIoU.pairs
          ? `  transitions: midpoint IoU ${midpointIoU.decoder.toFixed(3)} through the decoder vs ${midpointIoU.crossfade.toFixed(3)} crossfade, against the true in-between of ${midpointIoU.pairs} pairs` +
              (midpointIoU.unseen.pairs ? `; between two new keyframes ${midpointIoU.unseen.decoder.toFixed(3)} vs ${midpointIoU.unseen.crossfade.toFixed(3)} (${midpointIoU.unseen.pairs} pairs)` : "")
          : "  transitions: no pair of morphing keyframes has a true in-between to compare with (edges sketches, drawings, or a photo with a generated face)",
      );
    }
    lines.push(`  latents: ${kept.filter(Boolean).length} of ${keys.length} keyframes morph (${secs(performance.now() - started)} in all)`);
    return { model, dims: loaded.doc.dims, latents: kept, lines, agreements: final, fineTuned, midpointIoU, timing, before: agreements };
  } finally {
    go(false);
    if (staging) {
      rmSync(staging, { recursive: true, force: true });
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (staging) rmSync(staging, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  }
}

/** finetune.py's arguments: its inputs are written to `staging` later (fineTune), while it starts. */
function fineTuneArgs(modelFile: string, latentsFile: string, keys: FitKey[], staging: string, o: FitOptions): string[] {
  const args = ["--model", modelFile, "--latents", latentsFile, "--targets", join(staging, "targets.u8"), "--init", join(staging, "init.i8"), "--family", join(staging, "family"), "--out", join(staging, "tuned"), "--seed", String(o.seed)];
  // Pairs of keyframes the decoder never saw get geometric in-betweens (finetune.py, inbetween.py).
  if (o.inBetweens === "transport") args.push("--in-betweens", "transport", "--unseen", keys.flatMap((k, i) => (k.trained === undefined ? [i] : [])).join(","));
  if (o.steps !== undefined) args.push("--steps", String(o.steps));
  return args;
}

/** Writes the started fine-tuner's inputs (keyframes, their latents, the family), tells it to go, and reads what it wrote. */
async function fineTune(keys: FitKey[], init: number[][], staging: string, o: FitOptions, go: (yes: boolean) => void, running: Promise<string[]>): Promise<{ modelFile: string; doc: LatentsDoc; seconds: number; steps: number; pairs: number; renderMs: number; wallMs: number }> {
  const targets = new Uint8Array(keys.length * 8192);
  keys.forEach((k, i) => targets.set(unpack(k.frame), i * 8192));
  writeFileSync(join(staging, "targets.u8"), targets);
  writeFileSync(join(staging, "init.i8"), Int8Array.from(init.flat()));
  const family = join(staging, "family");
  mkdirSync(family);
  const r = bar("rendering [{bar}] {value}/{total} faces of the family | ETA {eta_formatted}");
  const samples = FAMILY_SAMPLES[o.inBetweens ?? "prior"];
  r.start(samples, 0);
  const rendering = performance.now();
  try {
    await writeDataset(family, o.seed, samples, () => r.increment());
  } finally {
    r.stop();
  }
  const renderMs = performance.now() - rendering;
  go(true);
  const said = await running;
  const out = join(staging, "tuned");
  const m = said.map((l) => /^fine-tuned in (\d+) s \((\d+) steps\)/.exec(l)).find(Boolean);
  const between = said.map((l) => /^in-betweens: (\d+) pairs/.exec(l)).find(Boolean);
  const doc = JSON.parse(readFileSync(join(out, "latents.json"), "utf8")) as LatentsDoc;
  return { modelFile: join(out, "decoder.tflite"), doc, seconds: m ? Number(m[1]) : NaN, steps: m ? Number(m[2]) : NaN, pairs: between ? Number(between[1]) : 0, renderMs, wallMs: performance.now() - rendering };
}

/** Every pair of morphing keyframes with a true in-between: the decoded latent midpoint and the animator's halfway crossfade, each against it. */
async function transitions(modelFile: string, keys: FitKey[], latents: (number[] | undefined)[], midpoint: (a: number, b: number) => Promise<Uint8Array | undefined>): Promise<MidpointIoU> {
  const pairs: [number, number, Uint8Array][] = [];
  for (let a = 0; a < keys.length; a++) {
    for (let b = a + 1; b < keys.length; b++) {
      if (!latents[a] || !latents[b]) continue;
      const truth = await midpoint(a, b);
      if (truth) pairs.push([a, b, truth]);
    }
  }
  const mids = pairs.length ? decodeMany(modelFile, pairs.map(([a, b]) => latents[a]!.map((v, j) => Math.round((v + latents[b]![j]) / 2)))) : [];
  const all = { decoder: 0, crossfade: 0, pairs: 0 };
  const unseen = { decoder: 0, crossfade: 0, pairs: 0 };
  const fade = new Uint8Array(FRAME_BYTES);
  pairs.forEach(([a, b, truth], i) => {
    crossfade(keys[a].frame, keys[b].frame, 8, fade);
    const d = iou(mids[i], truth);
    const c = iou(fade, truth);
    for (const sum of keys[a].trained === undefined && keys[b].trained === undefined ? [all, unseen] : [all]) {
      sum.decoder += d;
      sum.crossfade += c;
      sum.pairs++;
    }
  });
  const mean = (x: typeof all) => ({ decoder: x.pairs ? x.decoder / x.pairs : 0, crossfade: x.pairs ? x.crossfade / x.pairs : 0, pairs: x.pairs });
  return { ...mean(all), unseen: mean(unseen) };
}
