/*
 * `npm run bench -- memory`: the XS heap of the whole robot on the real XS engine (xsnap, through
 * tools/xs/heap-probe.js), booted as on lin and driven by the lin exerciser (every stimulus, reflex,
 * pairing screen and mood change), against the esp32 creation limits in manifest.json. xsnap cannot
 * be the fixed-heap check itself: it loads every module at run time, where mcconfig preloads them
 * into flash (their objects cost the board no heap), so its boot figure is an upper bound and its
 * growth over minutes of frames is what it shows exactly. The fixed-limit runs on lin are in
 * docs/memory.md (tools/mcsim/memory-check.sh, needs the Moddable SDK).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, DATA_DIR, PROFILES_DIR } from "../../tools/lib/data.js";
import { platformConfig, readManifest } from "../../tools/lib/manifest.js";
import { FRAME_MS } from "../../modules/app/robot.js";
import { bundleForProbe, probeHeap } from "../../tools/xs/harness.js";

const OUT = join(REPO_ROOT, "build", "bench");
/** One stimulus every this many ms: a catalog cycle (pairing and 37 stimuli) every ~14 s. */
const STEP_MS = 300;
/** Frames per probe: about two minutes of robot time each. */
const FRAMES = 3600;

export interface Creation {
  chunk: number;
  heap: number;
  stack: number;
}

export interface MemoryFigures {
  limits: Creation;
  /** Live slots after boot, then after each FRAMES more frames (garbage collected before reading). */
  live: { frames: number; heapSlots: number; computrons: number; cycles: number }[];
}

/** The esp32 creation sizes manifest.json sets (fixed: no incremental growth). */
export function esp32Creation(): Creation {
  const m = readManifest() as unknown as { platforms: { esp32: { creation?: { chunk?: { initial: number }; heap?: { initial: number }; stack?: number } } } };
  const c = m.platforms.esp32.creation;
  if (!c || !c.chunk || !c.heap || !c.stack) throw new Error("manifest.json: platforms.esp32.creation (chunk, heap, stack) is not set");
  return { chunk: c.chunk.initial, heap: c.heap.initial, stack: c.stack };
}

export async function memoryBench(): Promise<MemoryFigures> {
  const texts: Record<string, string> = {};
  for (const f of ["stimuli.json", "wheel.json", "behaviour.json"]) texts[f] = readFileSync(join(DATA_DIR, f), "utf8");
  texts["default.json"] = readFileSync(join(PROFILES_DIR, "default.json"), "utf8");
  const inputs = { config: platformConfig("lin"), texts, frames: readFileSync(join(REPO_ROOT, "frames", "frames.bin")).toString("hex"), stepMs: STEP_MS };
  const bundle = await bundleForProbe(join(REPO_ROOT, "bench", "memory", "xs-robot-entry.ts"), join(OUT, "xs-memory-bundle.js"), /^\.\/inputs\.js$/, `export default ${JSON.stringify(inputs)};`);
  const counts = ["0", ...Array.from({ length: 4 }, () => String(FRAMES))];
  const raw = probeHeap<{ steps: number; heapSlots: number; computrons: number }[]>(bundle, "probe", counts);
  // heap-probe cannot return probe()'s value alongside the counts: the cycles follow from the clock.
  const cycleMs = 2500 + 38 * Math.ceil(STEP_MS / FRAME_MS) * FRAME_MS + STEP_MS;
  let frames = 0;
  const live = raw.map((r) => {
    frames += r.steps;
    return { frames, heapSlots: r.heapSlots, computrons: r.computrons, cycles: Math.floor((frames * FRAME_MS) / cycleMs) };
  });
  return { limits: esp32Creation(), live };
}

export function printMemory(f: MemoryFigures): void {
  const fmt = (n: number) => n.toLocaleString("en-US");
  console.log("\n## memory: the XS heap of the whole robot (xsnap) against the esp32 creation limits");
  console.log(`esp32 limits (manifest.json creation, fixed): heap ${fmt(f.limits.heap)} slots (${fmt(f.limits.heap * 16)} B at 16 B/slot), chunk ${fmt(f.limits.chunk)} B, stack ${fmt(f.limits.stack)} slots`);
  for (const l of f.live) {
    const min = ((l.frames * FRAME_MS) / 60000).toFixed(1);
    console.log(`xsnap live after ${l.frames === 0 ? "boot" : `${fmt(l.frames)} frames (${min} min, ~${l.cycles} exercise cycles)`}: ${fmt(l.heapSlots)} slots${l.frames === 0 ? " (upper bound: xsnap holds every module's objects in the heap; mcconfig preloads them into flash)" : ""}`);
  }
  const after = f.live.slice(1).map((l) => l.heapSlots);
  const growth = Math.max(...after) - Math.min(...after);
  console.log(`growth over ${fmt(f.live[f.live.length - 1].frames - f.live[1].frames)} exercised frames after the first ${fmt(f.live[1].frames)}: ${fmt(growth)} slots (0: nothing accumulates)`);
  const c = f.live.slice(1);
  console.log(`XS meter: ${fmt(Math.round(c.reduce((s, l) => s + l.computrons, 0) / (c.length * FRAMES)))} computrons per exercised frame (engine step, animator, reflexes, panel, link)`);
  console.log("fixed-limit runs of the lin build: docs/memory.md (tools/mcsim/memory-check.sh with the Moddable SDK)");
}
