/*
 * Prints the TFLM + ESP-NN path's figures on the emulated ESP32-S3 (tools/s3/tflm/tflm.ts), until
 * `npm run bench -- device` lists it through tools/s3/paths.ts:
 *   MOODFACE_S3_KIT=../shared/s3-emulator npx tsx tools/s3/tflm/figures.ts [PACK]
 */
import { tflmFigures } from "./tflm.js";

const f = tflmFigures(process.argv[2] ? { pack: process.argv[2] } : {});
const n = (x: number) => Math.round(x).toLocaleString("en-US");
console.log(`TFLM + ESP-NN on the emulated ESP32-S3 (${f.latents} latents, the pack's model at 0x${f.modelAddress.toString(16)})`);
console.log(`  output: ${f.mismatches.length ? f.mismatches.join("; ") : "logits and frames bit-identical to the host"}`);
console.log(`  per inference: ${n(f.instructionsPerInference)} instructions (median; worst ${n(f.worstInference)}), >= ${f.msAt240MHz.toFixed(2)} ms at 240 MHz, ${(f.frameShare * 100).toFixed(1)}% of a 33 ms frame`);
for (const o of f.ops) console.log(`    ${o.name.padEnd(16)} ${n(o.instructions).padStart(9)}  ${((o.instructions / f.instructionsPerInference) * 100).toFixed(1)}%`);
console.log(`  frame conversion: ${n(f.frameConversionInstructions)}; opening the model: ${n(f.openInstructions)}`);
console.log(`  arena used (MicroInterpreter::arena_used_bytes(), ESP-NN's scratch included): ${n(f.arenaUsed)} bytes`);
console.log(`  budget: ${n(f.budget.instructionsPerInference)} instructions, ${n(f.budget.arenaBytes)} bytes: ${f.overBudget.length ? "OVER: " + f.overBudget.join("; ") : "within"}`);
