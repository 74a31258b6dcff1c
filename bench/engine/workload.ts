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
