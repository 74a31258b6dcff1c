/*
 * Prints issue 18's frame budget on the emulated ESP32-S3: a morphing frame (engine step + animator
 * + SSD1306 driver in XS, with the board's C natives, + the board's tflm decode and frame conversion)
 * against 25% of a 33 ms frame at 240 MHz. About 4 minutes (five XS phase runs and one tflm run):
 *   MOODFACE_S3_KIT=../shared/s3-emulator npx tsx tools/s3/xs/frame-budget.ts
 */
import { atBoardClock } from "../paths.js";
import { xsS3FrameBudget } from "./device-xs.js";

const b = xsS3FrameBudget();
const n = (x: number) => Math.round(x).toLocaleString("en-US").padStart(11);
const row = (what: string, x: number) => {
  const { ms, frameShare } = atBoardClock(x);
  console.log(`${what.padEnd(66)} ${n(x)} instructions  ${ms.toFixed(2).padStart(6)} ms  ${(frameShare * 100).toFixed(1).padStart(5)}% of 33 ms`);
};
row("engine step", b.engineStep);
row(`morphing frame's XS work: animator + driver (mean of ${b.morphFrames} frames)`, b.morphFrameXs);
row("tflm decode (the board's decoder, median)", b.tflmDecode);
row("frame conversion (md_logits_to_frame)", b.tflmConversion);
row("morphing frame on the board's path", b.morphingFrame);
console.log(`budget ${b.budget.toLocaleString("en-US")} instructions (25% of 33 ms at 240 MHz): ${b.morphingFrame <= b.budget ? "met" : "EXCEEDED"}`);
console.log(`(one decode through the image's C reference decoder, taken out of the XS figure: ${b.perReferenceDecode.toLocaleString("en-US")}; ${b.decodes} decodes in the morph)`);
