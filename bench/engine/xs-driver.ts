/*
 * Engine benchmark on the xsnap command line (real XS): computrons per step from the XS meter
 * (resetMeter returns the meter so far) and host time per step. Prints one JSON line.
 */
import data from "../../tests/parity/data.js";
import { makeAnimator, makeEngine, runFrames, runSteps, runStimuli } from "./workload.js";
import { EmotionEngine } from "../../modules/emotion/engine.js";
import { loadProfile } from "../../modules/emotion/profile.js";

declare function resetMeter(limit: number, index: number): number;
declare const performance: { now(): number };
declare function print(s: string): void;

const engine = makeEngine(data);
runSteps(engine, 2000); // warm up
const steps = 100000;
resetMeter(0, 0);
const t0 = performance.now();
const acc = runSteps(engine, steps);
const ms = performance.now() - t0;
const computrons = resetMeter(0, 0);
print(JSON.stringify({ steps, computronsPerStep: computrons / steps, usPerStep: (ms * 1000) / steps, acc }));
const animator = makeAnimator(data);
runFrames(animator, 0, 300);
const frames = 3000;
resetMeter(0, 0);
const f0 = performance.now();
runFrames(animator, 10000, frames);
const fms = performance.now() - f0;
const fc = resetMeter(0, 0);
print(JSON.stringify({ frames, computronsPerFrame: fc / frames, usPerFrame: (fms * 1000) / frames }));
// One stimulus with the passions' appraisal (default profile: every passion held) and without
// (the same profile with no passions): the meter is deterministic, so the difference is the appraisal.
const doc: Record<string, unknown> = {};
const base = data.profiles.default as Record<string, unknown>;
for (const k in base) if (k !== "passions") doc[k] = base[k];
const bare = new EmotionEngine(loadProfile(doc as never, "default.json"), engine.catalog, engine.wheel);
const perStimulus = (e: EmotionEngine) => {
  runStimuli(e, 500);
  const count = 20000;
  resetMeter(0, 0);
  runStimuli(e, count);
  return resetMeter(0, 0) / count;
};
print(JSON.stringify({ computronsPerStimulus: perStimulus(engine), computronsPerStimulusNoPassions: perStimulus(bare) }));
print("BENCH-DONE");
