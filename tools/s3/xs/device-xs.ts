/*
 * The XS path on the emulated ESP32-S3 from the host's side: builds the image (build.ts), runs it,
 * replays the bus bytes it printed into the project's virtual SSD1306, and plays the same scenario
 * on the host (the same modules on Node, over the virtual bus) to compare the panel. Returns the
 * figures for the device bench and the test (tests/device/xs.test.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
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
export async function runXsOnS3(): Promise<XsS3Result> {
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
      await writeFileAtomic(s3Png, glassPng(panel, 4));
      await writeFileAtomic(hostPng, h.png);
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
 * Caveat on the CCOUNT figures (found here, 7 Dec): in runs longer than about 100 M instructions the
 * emulator's CPU 1 leaves its stall and spins at 0x400003c0 (the double-exception vector of the
 * empty ROM), and under -icount its instructions advance the virtual clock that CCOUNT follows. A
 * bare 240.6 M-instruction loop read cpu 0 = 240,600,042 and cpu 1 = 153,924,759 (libinsn.so);
 * disabling the RTC/super/timer-group watchdogs or setting SYSTEM_CORE_1_CONTROL_0 did not stop it.
 * So region counts taken after that point are too high by up to about 2x (upper bounds on CPU 0's
 * instructions); the run's total per CPU is in build/s3-xs/qemu-insn.log.
 */

/** 240 MHz: the S3's clock on the board. Instruction counts are a lower bound on cycles (kit README). */
const HZ = 240e6;
const FRAME_BUDGET_MS = 33;

export interface BenchRow {
  what: string;
  instructions: number;
  /** Lower bound at 240 MHz. */
  ms: number;
  /** Share of a 33 ms frame, percent. */
  frameShare: number;
}

/** The XS path's figures for the device bench: per engine step, per animator frame (no morph: this
 *  image has no decoder, see the report), per driver frame, and the XS heap above the realm. */
export async function xsS3BenchFigures(): Promise<{ rows: BenchRow[]; heap: XsS3Result["heap"]; panelMatchesHost: boolean }> {
  const r = await runXsOnS3();
  const row = (what: string, instructions: number): BenchRow => ({ what, instructions, ms: (instructions / HZ) * 1000, frameShare: ((instructions / HZ) * 1000 * 100) / FRAME_BUDGET_MS });
  return {
    rows: [
      row("XS machine creation (realm in RAM)", r.ready.instructions),
      row("engine step (mean of the bench workload)", r.engine.instructionsPerStep),
      row("engine step, quiet", r.engine.quiet),
      row("animator frame, no morph (mean)", r.frames.instructionsPerAnimatorFrame),
      row("animator frame, no morph (max)", r.frames.maxAnimatorFrame),
      row("SSD1306 driver frame (mean)", r.frames.instructionsPerDriverFrame),
      row("SSD1306 driver frame (max)", r.frames.maxDriverFrame),
    ],
    heap: r.heap,
    panelMatchesHost: r.shots.every((s) => s.same),
  };
}
