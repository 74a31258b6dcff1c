/*
 * Engine benchmark on the xsnap command line (real XS): computrons per step from the XS meter
 * (resetMeter returns the meter so far) and host time per step. Prints one JSON line.
 */
import data from "../../tests/parity/data.js";
import { makeAnimator, makeEngine, runFrames, runSteps } from "./workload.js";

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
print("BENCH-DONE");
