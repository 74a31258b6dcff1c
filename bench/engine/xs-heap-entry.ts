/*
 * Bundled into one script for the xsnap worker, which reports XS heap slots after each evaluation:
 * probe(n) runs n steps, so equal slot counts after probe(0) and probe(100000) mean the step
 * allocates nothing on XS.
 */
import data from "../../tests/parity/data.js";
import { makeAnimator, makeEngine, runFrames, runSteps, runStimuli } from "./workload.js";

const engine = makeEngine(data);
runSteps(engine, 1000);
const animator = makeAnimator(data);
runFrames(animator, 0, 300);
let t = 10000;
const g = globalThis as unknown as { probe: (n: number) => number; probeFace: (n: number) => number; probeStimuli: (n: number) => number };
g.probe = (n: number) => runSteps(engine, n);
// Stimuli alone, every one appraised against the profile's passions, with two extra context tags.
runStimuli(engine, 100);
g.probeStimuli = (n: number) => runStimuli(engine, n);
g.probeFace = (n: number) => {
  const r = runFrames(animator, t, n);
  t += n * 33;
  return r;
};
