/*
 * Emotion engine benchmark: the cost of one engine step (one 20 ms frame) on Node.js and on the real
 * XS engine, and proof that a step allocates nothing (XS heap slots from the xsnap worker, Node heap
 * and GC counts over a million steps).
 */
import { PerformanceObserver } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { bundleForProbe, compile, probeHeap, runXs, shippedData, writeDataModule } from "../../tools/xs/harness.js";
import type { ParityData } from "../../tests/parity/vectors.js";
import { makeAnimator, makeEngine, runFrames, runSteps } from "./workload.js";

const OUT = join(REPO_ROOT, "build", "bench");
const DATA_MODULE = join(OUT, "tests", "parity", "data.js");

export interface EngineFigures {
  nodeNsPerStep: number;
  nodeHeapDeltaBytes: number;
  nodeGcDuringRun: number;
  xsComputronsPerStep: number;
  xsUsPerStep: number;
  xsHeap: { steps: number; heapSlots: number }[];
  faceXsComputronsPerFrame: number;
  faceXsUsPerFrame: number;
  faceNodeUsPerFrame: number;
  faceXsHeap: { steps: number; heapSlots: number }[];
  /** XS computrons per stimulate() with the passions' appraisal (default profile, every passion held), and without (no passions). */
  xsComputronsPerStimulus: number;
  xsComputronsPerStimulusNoPassions: number;
  stimulusXsHeap: { steps: number; heapSlots: number }[];
}

function nodeFaceFigures(): number {
  const animator = makeAnimator(shippedData() as unknown as ParityData);
  runFrames(animator, 0, 3000);
  const frames = 30000;
  const t0 = process.hrtime.bigint();
  runFrames(animator, 100000, frames);
  return Number(process.hrtime.bigint() - t0) / 1000 / frames;
}

function nodeFigures(): Pick<EngineFigures, "nodeNsPerStep" | "nodeHeapDeltaBytes" | "nodeGcDuringRun"> {
  const engine = makeEngine(shippedData() as unknown as ParityData);
  runSteps(engine, 200_000); // warm up the JIT
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  obs.observe({ entryTypes: ["gc"] });
  const heap0 = process.memoryUsage().heapUsed;
  const steps = 1_000_000;
  const t0 = process.hrtime.bigint();
  runSteps(engine, steps);
  const ns = Number(process.hrtime.bigint() - t0);
  const heap1 = process.memoryUsage().heapUsed;
  obs.disconnect();
  return { nodeNsPerStep: ns / steps, nodeHeapDeltaBytes: heap1 - heap0, nodeGcDuringRun: gcs };
}

async function xsFigures(): Promise<Omit<EngineFigures, "nodeNsPerStep" | "nodeHeapDeltaBytes" | "nodeGcDuringRun" | "faceNodeUsPerFrame" >> {
  compile(join(REPO_ROOT, "bench", "tsconfig.json"));
  writeDataModule(DATA_MODULE, shippedData());
  const r = runXs(join(OUT, "bench", "engine", "xs-driver.js"), "BENCH-DONE");
  const m = JSON.parse(r.lines[0]) as { computronsPerStep: number; usPerStep: number };
  const face = JSON.parse(r.lines[1]) as { computronsPerFrame: number; usPerFrame: number };
  const stim = JSON.parse(r.lines[2]) as { computronsPerStimulus: number; computronsPerStimulusNoPassions: number };

  const bundle = await bundleForProbe(join(REPO_ROOT, "bench", "engine", "xs-heap-entry.ts"), join(OUT, "xs-heap-bundle.js"), /parity\/data\.js$/, readFileSync(DATA_MODULE, "utf8"));
  const heap = (fn: string, n: string) => probeHeap<{ steps: number; heapSlots: number; computrons: number }[]>(bundle, fn, ["0", n, "0", n]);
  return {
    xsComputronsPerStep: m.computronsPerStep,
    xsUsPerStep: m.usPerStep,
    xsHeap: heap("probe", "100000"),
    faceXsComputronsPerFrame: face.computronsPerFrame,
    faceXsUsPerFrame: face.usPerFrame,
    faceXsHeap: heap("probeFace", "3000"),
    stimulusXsHeap: heap("probeStimuli", "100000"),
    xsComputronsPerStimulus: stim.computronsPerStimulus,
    xsComputronsPerStimulusNoPassions: stim.computronsPerStimulusNoPassions,
  };
}

export async function engineBench(): Promise<EngineFigures> {
  return { ...nodeFigures(), faceNodeUsPerFrame: nodeFaceFigures(), ...(await xsFigures()) };
}

export function printEngine(f: EngineFigures): void {
  const slots = f.xsHeap.map((h) => h.heapSlots);
  const deltas = slots.slice(1).map((s, i) => s - slots[i]);
  console.log("## Emotion engine: one step = one 20 ms frame (1 tick + readout), default profile");
  console.log(`Node.js   ${f.nodeNsPerStep.toFixed(0)} ns/step; heap ${f.nodeHeapDeltaBytes >= 0 ? "+" : ""}${f.nodeHeapDeltaBytes} bytes (${(f.nodeHeapDeltaBytes / 1e6).toFixed(3)} bytes/step) and ${f.nodeGcDuringRun} GC runs over 1,000,000 steps`);
  console.log(`XS        ${f.xsComputronsPerStep.toFixed(0)} computrons/step (XS meter); ${f.xsUsPerStep.toFixed(2)} us/step on this host's XS`);
  console.log(`XS heap   slots after probe(n) for n = ${f.xsHeap.map((h) => h.steps).join(", ")}: ${slots.join(", ")}`);
  console.log(`          change per evaluation: ${deltas.join(", ")} (the evaluation itself costs the same few slots at 0 and at 100,000 steps)`);
  const allocates = deltas[1] !== deltas[0] || deltas[2] !== deltas[0];
  console.log(`          => a step ${allocates ? "ALLOCATES on XS" : "allocates nothing on XS"}`);
  const ss = f.stimulusXsHeap.map((h) => h.heapSlots);
  const sd = ss.slice(1).map((s, i) => s - ss[i]);
  console.log("## Emotion engine: one stimulus with the passions' appraisal (catalog cycled, 2 extra context tags)");
  console.log(`XS        ${f.xsComputronsPerStimulus.toFixed(0)} computrons/stimulus, default profile (every passion held at 0.3); ${f.xsComputronsPerStimulusNoPassions.toFixed(0)} without passions (the appraisal: +${(f.xsComputronsPerStimulus - f.xsComputronsPerStimulusNoPassions).toFixed(0)}, x${(f.xsComputronsPerStimulus / f.xsComputronsPerStimulusNoPassions).toFixed(2)})`);
  console.log(`XS heap   slots after probeStimuli(n) for n = ${f.stimulusXsHeap.map((h) => h.steps).join(", ")}: ${ss.join(", ")} (change per evaluation ${sd.join(", ")})`);
  console.log(`          => a stimulus ${sd[1] !== sd[0] || sd[2] !== sd[0] ? "ALLOCATES on XS" : "allocates nothing on XS"}`);
  const fs = f.faceXsHeap.map((h) => h.heapSlots);
  const fd = fs.slice(1).map((s, i) => s - fs[i]);
  console.log("## Face animator: one 33 ms frame (keyframe, crossfades, blinks, saccades, breathing), shipped pack");
  console.log(`Node.js   ${f.faceNodeUsPerFrame.toFixed(2)} us/frame`);
  console.log(`XS        ${f.faceXsComputronsPerFrame.toFixed(0)} computrons/frame (XS meter); ${f.faceXsUsPerFrame.toFixed(2)} us/frame on this host's XS`);
  console.log(`XS heap   slots after probeFace(n) for n = 0, 3000, 0, 3000: ${fs.join(", ")} (change per evaluation ${fd.join(", ")})`);
  console.log(`          => a frame ${fd[1] !== fd[0] || fd[2] !== fd[0] ? "ALLOCATES on XS" : "allocates nothing on XS"}`);
}
