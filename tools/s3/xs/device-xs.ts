/*
 * The XS path on the emulated ESP32-S3 from the host's side: builds the image (build.ts), runs it,
 * replays the bus bytes it printed into the project's virtual SSD1306, and plays the same scenario
 * on the host (the same modules on Node, over the virtual bus) to compare the panel. Returns the
 * figures for the device bench and the test (tests/device/xs.test.ts).
 */
import { readFileSync, rmSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import type { DevicePath, DeviceResult } from "../paths.js";
import { findKit, type Kit } from "../kit.js";
import { atBoardClock, checkLatents } from "../paths.js";
import { BOARD_HZ, FRAME_MS as FRAME_PERIOD_MS } from "../kit.js";
import { MODEL, runDecoder } from "../decoder.js";
import { TFLM } from "../tflm/tflm.js";
import { REPO_ROOT, readJson, DATA_DIR, PROFILES_DIR } from "../../lib/data.js";
import { buildImage, runImage, OUT, S3XsError, XS_SIZES, ESP32_XS_SIZES, type Image } from "./build.js";
import { parseLogLine } from "../../display/i2c-log.js";
import { VirtualSSD1306 } from "../../../modules/virtual/ssd1306.js";
import { VirtualBus, i2cClassFor } from "../../../modules/virtual/i2c.js";
import { glassPng } from "../../display/png.js";
import { openPack } from "../../../modules/pack/pack.js";
import { PackFaces } from "../../../modules/face/faces.js";
import { Animator } from "../../../modules/face/animator.js";
import SSD1306 from "../../../modules/display/ssd1306.js";
import { makeEngine, runSteps } from "../../../bench/engine/workload.js";
import type { ParityData } from "../../../tests/parity/vectors.js";
import { FRAMES, FRAME_MS, SHOTS, scenarioState } from "./scenario.js";


export interface HeapFigures {
  slots: number;
  peakSlots: number;
  maxSlots: number;
  chunks: number;
  peakChunks: number;
  maxChunks: number;
  malloc: number;
}

export interface Shot {
  frame: number;
  /** Panel RAM and glass decoded from the S3's bus bytes equal the host's for the same inputs. */
  same: boolean;
  s3Png: string;
  hostPng: string;
}

export interface XsS3Result {
  image: Image;
  lines: string[];
  /** Whole run, start-up included (QEMU's instruction plugin). */
  totalInstructions: number;
  /** Machine creation (the realm's built-ins in RAM) and its heap. */
  ready: { instructions: number; slots: number; chunks: number };
  hello: boolean;
  engine: { steps: number; instructionsPerStep: number; acc: number; hostAcc: number; afterStimulus: number; quiet: number };
  frames: { frames: number; morph: boolean; instructionsPerAnimatorFrame: number; maxAnimatorFrame: number; instructionsPerDriverFrame: number; maxDriverFrame: number; bytes: number; hostBytes: number };
  heap: { boot: HeapFigures; afterEngine: HeapFigures; end: HeapFigures; realmSlots: number; realmChunks: number; appPeakSlots: number; appPeakChunks: number; esp32: typeof ESP32_XS_SIZES; image: typeof XS_SIZES };
  shots: Shot[];
}

function shippedEngineData(): ParityData {
  return { profiles: { default: readJson(join(PROFILES_DIR, "default.json")) }, stimuli: readJson(join(DATA_DIR, "stimuli.json")), wheel: readJson(join(DATA_DIR, "wheel.json")), pack: [] } as unknown as ParityData;
}

/** The same scenario on the host: the modules on Node, the driver over the virtual bus. */
function hostPanels(): { shots: Map<number, { ram: Uint8Array; glass: Uint8Array; png: Buffer }>; bytes: number } {
  const bytes = readFileSync(join(REPO_ROOT, "frames", "frames.bin"));
  const opened = openPack(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), "frames.bin");
  if (!opened.ok) throw new S3XsError(opened.error);
  const animator = new Animator(new PackFaces(opened.pack), { seed: 3 });
  const bus = new VirtualBus();
  const panel = new VirtualSSD1306();
  bus.attach(0x3c, panel);
  const display = new SSD1306({ display: { io: i2cClassFor(bus), data: 21, clock: 22, address: 0x3c, hz: 400000 }, now: () => 0 });
  const state = { dominant: 7, band: 0, nuance: 255 };
  const shots = new Map<number, { ram: Uint8Array; glass: Uint8Array; png: Buffer }>();
  for (let k = 0; k < FRAMES; k++) {
    scenarioState(k, state);
    display.update(animator.update(k * FRAME_MS, state));
    if (SHOTS.includes(k)) shots.set(k, { ram: new Uint8Array(panel.ram), glass: panel.render(), png: glassPng(panel, 4) });
  }
  return { shots, bytes: display.status.bytes };
}

function fig(lines: string[], what: string): Record<string, any> {
  const l = lines.find((x) => x.startsWith("FIG ") && JSON.parse(x.slice(4)).what === what);
  if (!l) throw new S3XsError(`the S3 run printed no "${what}" figure:\n${lines.filter((x) => !x.startsWith("I2C ")).join("\n").slice(-3000)}`);
  return JSON.parse(l.slice(4));
}

/** Builds, runs on QEMU, decodes and compares. Throws S3XsError with the run's output on any failure. */
export function runXsOnS3(): XsS3Result {
  const image = buildImage();
  const r = runImage(image.elf);
  const lines = r.stdout.split("\n").filter((l) => l !== "");
  const text = lines.filter((x) => !x.startsWith("I2C ")).join("\n");
  if (r.status !== 0 || lines[lines.length - 1] !== "S3-XS-DONE") throw new S3XsError(`the XS program on the emulated S3 stopped (exit ${r.status}):\n${text.slice(-3000)}`);
  const readyLine = lines.find((l) => l.startsWith("XS-READY "));
  if (!readyLine) throw new S3XsError(`no XS-READY line:\n${text.slice(-2000)}`);
  const ready = JSON.parse(readyLine.slice(9));
  // The bus bytes into the virtual panel, photographed where the program says SHOT.
  const panel = new VirtualSSD1306();
  const host = hostPanels();
  const shots: Shot[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith("I2C ")) {
      const tx = parseLogLine(l.slice(4), `S3 console line ${i + 1}`);
      if (tx && tx.address === 0x3c) panel.receive(tx.bytes, tx.bytes.length);
    } else if (l.startsWith("I2C-OVERFLOW")) {
      throw new S3XsError(`the in-memory bus overflowed: ${l}`);
    } else if (l.startsWith("SHOT ")) {
      const k = Number(l.split(" ")[1]);
      const h = host.shots.get(k);
      if (!h) throw new S3XsError(`SHOT ${k}: the host took no picture at that frame`);
      const s3Png = join(OUT, `s3-frame-${k}.png`);
      const hostPng = join(OUT, `host-frame-${k}.png`);
      writeFileAtomic.sync(s3Png, glassPng(panel, 4));
      writeFileAtomic.sync(hostPng, h.png);
      const same = Buffer.compare(Buffer.from(panel.ram), Buffer.from(h.ram)) === 0 && Buffer.compare(Buffer.from(panel.render()), Buffer.from(h.glass)) === 0;
      shots.push({ frame: k, same, s3Png, hostPng });
    }
  }
  const e = fig(lines, "engine");
  const single = fig(lines, "engine-single");
  const hostEngine = makeEngine(shippedEngineData());
  runSteps(hostEngine, 50);
  const hostAcc = runSteps(hostEngine, e.steps);
  const f = fig(lines, "frames");
  const boot = fig(lines, "boot").heap as HeapFigures;
  const afterEngine = fig(lines, "after-engine").heap as HeapFigures;
  const end = fig(lines, "end").heap as HeapFigures;
  return {
    image,
    lines,
    totalInstructions: r.totalInstructions,
    ready: { instructions: ready.instructions, slots: ready.slots, chunks: ready.chunks },
    hello: lines.includes("hello from XS on the ESP32-S3"),
    engine: { steps: e.steps, instructionsPerStep: e.instructionsPerStep, acc: e.acc, hostAcc, afterStimulus: single.afterStimulus, quiet: single.quiet },
    frames: { ...(f as XsS3Result["frames"]), hostBytes: host.bytes },
    heap: {
      boot, afterEngine, end,
      realmSlots: ready.slots, realmChunks: ready.chunks,
      appPeakSlots: Math.max(boot.peakSlots, afterEngine.peakSlots, end.peakSlots) - ready.slots,
      appPeakChunks: Math.max(boot.peakChunks, afterEngine.peakChunks, end.peakChunks) - ready.chunks,
      esp32: ESP32_XS_SIZES, image: XS_SIZES,
    },
    shots,
  };
}

/*
 * Caveat on the CCOUNT figures (found here): after about 30 M instructions the emulator's CPU 1
 * leaves its stall and spins at 0x400003c0 (the double-exception vector), and under -icount its
 * instructions advance the virtual clock that CCOUNT follows. A bare loop of 8 rounds of exactly
 * 30,000,000 instructions read, by CCOUNT x 25: 30,000,000 then 55,000,025 / 42,500,000 alternating;
 * libinsn.so: cpu 0 = 240,001,750, cpu 1 = 137,500,000. Disabling the RTC, super and timer-group
 * watchdogs or writing SYSTEM_CORE_1_CONTROL_0 did not stop it. So the CCOUNT figures of the main
 * run (runXsOnS3) are too high by up to about 1.8x and only its first ~30 M instructions are exact;
 * xsS3ExactFigures() gets exact CPU 0 counts from per-CPU totals of phase runs instead.
 */

export interface BenchRow {
  what: string;
  instructions: number;
  /** Lower bound at 240 MHz. */
  ms: number;
  /** Share of a 33 ms frame, percent. */
  frameShare: number;
}

/** The XS path's figures for the device bench: exact CPU 0 instructions per engine step, per animator
 *  frame (no morph: this image has no decoder) and per driver frame, the XS heap above the realm, and
 *  whether the panel matched the host's. Runs the main program and the five phase runs (minutes). */
export function xsS3BenchFigures(): { rows: BenchRow[]; heap: XsS3Result["heap"]; panelMatchesHost: boolean; exact: ExactFigures; budget: FrameBudget } {
  const r = runXsOnS3();
  const exact = xsS3ExactFigures();
  const budget = xsS3FrameBudget();
  const row = (what: string, instructions: number): BenchRow => {
    const { ms, frameShare } = atBoardClock(instructions);
    return { what, instructions, ms, frameShare: frameShare * 100 };
  };
  return {
    rows: [
      row("XS machine creation (realm in RAM; CCOUNT, exact: before CPU 1 wakes)", r.ready.instructions),
      row("engine step (bench workload, mean of 250)", exact.engineStep),
      row("animator frame, no morph (mean of 120)", exact.animatorFrame),
      row("SSD1306 driver frame over the in-memory bus (mean of 120)", exact.driverFrame),
      row("engine step + animator + driver, no decoder", exact.engineStep + exact.animatorAndDriverFrame),
      row("animator frame while morphing (C reference decoder)", exact.morph.animatorMorphFrame),
      row("one decode through XS (C reference decoder)", exact.morph.perDecode),
      row(`morphing frame's XS work: animator + driver, decode taken out (mean of ${budget.morphFrames})`, budget.morphFrameXs),
      row("tflm decode + frame conversion (the board's decoder)", budget.tflmDecode + budget.tflmConversion),
      row("MORPHING FRAME on the board's path: engine + XS work + tflm decode", budget.morphingFrame),
    ],
    exact,
    budget,
    heap: r.heap,
    panelMatchesHost: r.shots.every((s) => s.same),
  };
}

/** CPU 0's instructions for a whole run (QEMU's libinsn.so, which counts per CPU), so that CPU 1's
 *  spinning (see the caveat above) is not counted. */
export function cpu0Instructions(elf: string, timeoutMs = 600000): { cpu0: number; cpu1: number; stdout: string; status: number | null } {
  const kit = findKit();
  const log = `${elf}.insn.log`;
  rmSync(log, { force: true });
  const r = spawnSync(kit.qemu, ["-L", kit.dir, "-M", "esp32s3", "-nographic", "-semihosting", "-no-reboot", "-icount", "shift=0,sleep=off", "-kernel", elf, "-plugin", kit.insnPlugin, "-d", "plugin", "-D", log],
    { encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 1 << 28 });
  if (r.error || r.signal) throw new S3XsError(`running ${elf}: ${r.error?.message ?? r.signal}`);
  const text = existsSync(log) ? readFileSync(log, "utf8") : "";
  const c0 = /cpu 0 insns: (\d+)/.exec(text);
  const c1 = /cpu 1 insns: (\d+)/.exec(text);
  if (!c0 || !c1) throw new S3XsError(`${elf}: QEMU reported no per-CPU counts:\n${text.slice(-1000)}`);
  return { cpu0: Number(c0[1]), cpu1: Number(c1[1]), stdout: r.stdout, status: r.status };
}

/** One phase run (app.ts stopAfter): CPU 0's total and the console lines; each phase runs once per process. */
const phaseRuns = new Map<number, { cpu0: number; lines: string[] }>();
function phaseRun(p: number, kit?: Kit): { cpu0: number; lines: string[] } {
  const done = phaseRuns.get(p);
  if (done) return done;
  const image = buildImage({ kit, phase: p });
  const r = cpu0Instructions(image.elf);
  const lines = r.stdout.split("\n").filter((l) => l !== "");
  if (r.status !== 0 || lines[lines.length - 1] !== "S3-XS-DONE") throw new S3XsError(`phase ${p} run stopped (exit ${r.status}):\n${r.stdout.slice(-2000)}`);
  const run = { cpu0: r.cpu0, lines };
  phaseRuns.set(p, run);
  return run;
}

export interface ExactFigures {
  /** Per engine step (the bench workload's 250 steps after 50 of warm-up). */
  engineStep: number;
  /** Per animator frame (120 frames of the scenario, no morph). */
  animatorFrame: number;
  /** Per frame of animator + SSD1306 driver over the in-memory bus. */
  animatorAndDriverFrame: number;
  driverFrame: number;
  /** Frames of the scenario during which the animator morphed through the C reference decoder
   *  (linked into the image; phase 6), the decodes they made, and the instructions per morphing
   *  frame: the animator's own work plus its share of decodes (decoder open included, once). */
  morph: { frames: number; decodes: number; perDecode: number; animatorMorphFrame: number };
  /** CPU 0 totals of the six phase runs. */
  phases: number[];
}

/**
 * Exact CPU 0 instruction counts, free of the CCOUNT caveat: five variants of the program stop after
 * successive phases (app.ts stopAfter), and the differences of QEMU's per-CPU totals give the work
 * between them. Six builds (only modules.c changes) and six runs: several minutes.
 */
export function xsS3ExactFigures(): ExactFigures {
  const phases: number[] = [];
  let morphFig: { decodes: number; morphFrames: number } | undefined;
  for (let p = 1; p <= 6; p++) {
    const r = phaseRun(p);
    phases.push(r.cpu0);
    if (p === 6) morphFig = fig(r.lines, "morph") as { decodes: number; morphFrames: number };
  }
  const [p1, p2, p3, p4, p5, p6] = phases;
  const animatorFrame = Math.round((p4 - p3) / FRAMES);
  const animatorAndDriverFrame = Math.round((p5 - p3) / FRAMES);
  const extra = p6 - p4; // the same 120 frames, with decodes on the morphing ones
  const m = morphFig!;
  if (!(m.decodes > 0 && m.morphFrames > 0)) throw new S3XsError(`phase 6 made no morph (decodes ${m.decodes}, morphing frames ${m.morphFrames}): the pack's keyframes have no latents?`);
  const morph = { frames: m.morphFrames, decodes: m.decodes, perDecode: Math.round(extra / m.decodes), animatorMorphFrame: animatorFrame + Math.round(extra / m.morphFrames) };
  return { engineStep: Math.round((p2 - p1) / 250), animatorFrame, animatorAndDriverFrame, driverFrame: animatorAndDriverFrame - animatorFrame, morph, phases };
}

/** Issue 18's frame budget: a morphing frame under 25% of a 33 ms frame at 240 MHz. */
export const FRAME_BUDGET_INSTRUCTIONS = Math.round(0.25 * FRAME_PERIOD_MS * BOARD_HZ / 1000);

export interface FrameBudget {
  engineStep: number;
  /** A morphing frame's XS work, the animator and the driver with the frame work in C, the decode
   *  itself taken out: the mean over the frames of the scenario's first morph (frame 20 to the end
   *  of the transition), played with the face breathing (a lift every frame: the dearer case). */
  morphFrameXs: number;
  /** Frames of that morph and the decodes they made; one decode through the image's binding. */
  morphFrames: number;
  decodes: number;
  perReferenceDecode: number;
  /** The board's decoder (the tflm path: esp-tflite-micro with ESP-NN) per inference, and its frame conversion. */
  tflmDecode: number;
  tflmConversion: number;
  /** engineStep + morphFrameXs + tflmDecode + tflmConversion. */
  morphingFrame: number;
  budget: number;
  phases: number[];
}

/**
 * The morphing frame on the board's path, from exact CPU 0 counts of five phase runs (app.ts: 1 and 2
 * for the engine step, 7, 8 and 9 for the morph) plus the tflm decoder path's median inference on
 * a few latents. About 4 minutes.
 */
export function xsS3FrameBudget(kit: Kit = findKit()): FrameBudget {
  const phases = new Map<number, number>();
  let morph: { frames: number; decodes: number } | undefined;
  for (const p of [1, 2, 7, 8, 9]) {
    const r = phaseRun(p, kit);
    phases.set(p, r.cpu0);
    if (p === 8) morph = fig(r.lines, "morph-frames") as { frames: number; decodes: number };
  }
  const m = morph!;
  if (!(m.frames > 0 && m.decodes > 0)) throw new S3XsError(`the frame-70 morph made ${m.decodes} decodes in ${m.frames} frames: the pack's keyframes have no latents?`);
  const engineStep = Math.round((phases.get(2)! - phases.get(1)!) / 250);
  const perReferenceDecode = Math.round((phases.get(9)! - phases.get(8)!) / m.decodes);
  const morphFrameXs = Math.round((phases.get(8)! - phases.get(7)! - m.decodes * perReferenceDecode) / m.frames);
  const tflm = runDecoder(TFLM, MODEL, checkLatents().subarray(0, 8 * 8), { kit });
  const morphingFrame = engineStep + morphFrameXs + Math.round(tflm.perInference) + Math.round(tflm.perFrameConversion);
  return {
    engineStep, morphFrameXs, morphFrames: m.frames, decodes: m.decodes, perReferenceDecode,
    tflmDecode: Math.round(tflm.perInference), tflmConversion: Math.round(tflm.perFrameConversion),
    morphingFrame, budget: FRAME_BUDGET_INSTRUCTIONS, phases: [...phases.values()],
  };
}

/** The XS path in tools/s3/paths.ts's terms, for `npm run bench -- device`. The budget checked: issue
 *  18's morphing frame (xsS3FrameBudget) under 25% of 33 ms; tests/device/xs.test.ts enforces it. */
export const xsDevicePath: DevicePath = {
  id: "xs",
  title: "XS engine: emotion engine, animator, SSD1306 driver (firmware modules, parsed at run time)",
  measure(_kit: Kit): DeviceResult {
    const r = runXsOnS3();
    const x = xsS3ExactFigures();
    const mismatches: string[] = [];
    if (r.engine.acc !== r.engine.hostAcc) mismatches.push(`engine accumulator ${r.engine.acc}, host ${r.engine.hostAcc}`);
    for (const s of r.shots) if (!s.same) mismatches.push(`panel after frame ${s.frame} differs from the host's (${s.s3Png} vs ${s.hostPng})`);
    if (r.frames.bytes !== r.frames.hostBytes) mismatches.push(`bus bytes ${r.frames.bytes}, host ${r.frames.hostBytes}`);
    const frame = x.engineStep + x.animatorAndDriverFrame;
    const b = xsS3FrameBudget(_kit);
    const share = atBoardClock(b.morphingFrame).frameShare * 100;
    return {
      id: "xs",
      title: this.title,
      figures: [
        { label: "per engine step", instructions: x.engineStep },
        { label: "per animator frame (no morph)", instructions: x.animatorFrame },
        { label: "per SSD1306 driver frame", instructions: x.driverFrame },
        { label: "per frame: engine + animator + driver (no decoder)", instructions: frame },
        { label: "morphing frame's XS work (animator + driver)", instructions: b.morphFrameXs },
        { label: "MORPHING FRAME (engine + XS work + tflm decode)", instructions: b.morphingFrame },
      ],
      breakdown: [
        { label: "XS machine creation (realm built in RAM)", instructions: r.ready.instructions },
        { label: "tflm decode (median)", instructions: b.tflmDecode },
        { label: "frame conversion", instructions: b.tflmConversion },
      ],
      notes: [
        `XS heap above the realm: peak ${r.heap.appPeakSlots} slots (ESP32 fixed heap ${r.heap.esp32.heapSlots}), peak ${r.heap.appPeakChunks} chunk bytes (ESP32 ${r.heap.esp32.chunkBytes}); realm ${r.heap.realmSlots} slots, ${r.heap.realmChunks} chunk bytes (in flash on the board)`,
        `malloc (keys, parser, module code): ${r.heap.end.malloc} bytes`,
        `morphing frame: engine step ${b.engineStep} + XS work ${b.morphFrameXs} (mean of ${b.morphFrames} frames of a morph, its ${b.decodes} decodes of ${b.perReferenceDecode} through the image's C reference decoder taken out) + tflm ${b.tflmDecode} + conversion ${b.tflmConversion} = ${b.morphingFrame} (${share.toFixed(1)}% of 33 ms; budget ${b.budget}, 25%)`,
      ],
      mismatches,
      overBudget: b.morphingFrame > b.budget ? [`morphing frame ${b.morphingFrame} instructions = ${share.toFixed(1)}% of a 33 ms frame at 240 MHz (budget ${b.budget}: 25%)`] : [],
    };
  },
};
