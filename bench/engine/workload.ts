/*
 * The engine workload every benchmark measures, on any engine: what the firmware does per frame
 * (engine.step(20 ms): one tick and a readout), with a stimulus every 250 steps (5 s of robot time).
 * Pure ECMAScript so that XS and Node run the same code.
 */
import { EmotionEngine } from "../../modules/emotion/engine.js";
import { loadProfile, TICK_MS } from "../../modules/emotion/profile.js";
import { loadCatalog } from "../../modules/emotion/catalog.js";
import { loadWheel } from "../../modules/emotion/wheel.js";
import { ONE } from "../../modules/emotion/fixed.js";
import type { ParityData } from "../../tests/parity/vectors.js";
import { openPack } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { Animator } from "../../modules/face/animator.js";

export function makeEngine(data: ParityData): EmotionEngine {
  const catalog = loadCatalog(data.stimuli, "stimuli.json");
  return new EmotionEngine(loadProfile(data.profiles.default, "default.json"), catalog, loadWheel(data.wheel, "wheel.json", catalog.tags));
}

/** Runs `steps` frames; returns a value derived from the state so no engine can skip the work. */
export function runSteps(engine: EmotionEngine, steps: number): number {
  const n = engine.catalog.names.length;
  let acc = 0;
  for (let k = 0; k < steps; k++) {
    if (k % 250 === 0) engine.stimulate(k % n, ONE >> 1);
    engine.step(TICK_MS);
    acc = (acc + engine.state.dominant) | 0;
  }
  return acc;
}

/**
 * `count` stimuli back to back (no steps), cycling through the catalog with two extra context tags
 * each: the appraisal against the profile's passions on every one. Returns a value from the state.
 */
export function runStimuli(engine: EmotionEngine, count: number, extra: Int32Array = EXTRA_TAGS): number {
  const n = engine.catalog.names.length;
  let acc = 0;
  for (let k = 0; k < count; k++) {
    engine.stimulate(k % n, ONE >> 2, extra, 2);
    acc = (acc + engine.state.served + engine.state.violated) | 0;
    if ((k & 63) === 63) engine.reset();
  }
  return acc;
}
const EXTRA_TAGS = new Int32Array([0, 1]);

/** The animator on the shipped pack, as the firmware runs it. */
export function makeAnimator(data: ParityData): Animator {
  const bytes = new Uint8Array(data.pack.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = data.pack[i];
  const opened = openPack(bytes.buffer, "frames.bin");
  if (!opened.ok) throw new Error(opened.error);
  return new Animator(new PackFaces(opened.pack), { seed: 3 });
}

/** `frames` animator frames of 33 ms from `start` ms, the emotion changing every 3 s (transitions,
 *  blinks, saccades and breathing all happen). Returns a value derived from the frames. */
export function runFrames(animator: Animator, start: number, frames: number): number {
  const state = { dominant: 7, band: 0, nuance: 255 };
  let acc = 0;
  for (let k = 0; k < frames; k++) {
    const t = start + k * 33;
    if (t % 3000 < 33) {
      state.dominant = (state.dominant + 3) & 7;
      state.band = (state.band + 1) % 3;
    }
    acc = (acc + animator.update(t, state)[300]) | 0;
  }
  return acc;
}
