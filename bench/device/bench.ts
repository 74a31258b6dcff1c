/*
 * `npm run bench -- device`: every path of tools/s3/paths.ts on the emulated ESP32-S3 (the kit in
 * MOODFACE_S3_KIT): instructions per inference (or engine step, or frame) and per operator, the
 * lower bound in milliseconds at the board's 240 MHz (one instruction per cycle; QEMU models no
 * stalls, caches or flash wait states) and the share of a 33 ms frame. docs/device.md records them.
 */
import { atBoardClock, DEVICE_PATHS, findKit, type DeviceResult } from "../../tools/s3/paths.js";
import { FRAME_BUDGET_INSTRUCTIONS, xsDevicePath } from "../../tools/s3/xs/device-xs.js";

/**
 * Every device path, then XS itself (tools/s3/xs: engine, animator and driver on the emulated S3,
 * about 15 minutes). XS is measured here and checked for equality with the host, and its morphing
 * frame held to issue 18's budget, by tests/device/xs.test.ts.
 */
export function deviceBench(): DeviceResult[] {
  const kit = findKit();
  return [...DEVICE_PATHS, xsDevicePath].map((p) => p.measure(kit));
}

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const timing = (x: number) => {
  const { ms, frameShare } = atBoardClock(x);
  return `>= ${ms.toFixed(2)} ms at 240 MHz, ${(frameShare * 100).toFixed(1)}% of a 33 ms frame`;
};

export function printDevice(results: DeviceResult[]): void {
  console.log("\n== device: the native code on the emulated ESP32-S3 (instructions; lower bounds on cycles) ==");
  for (const r of results) {
    console.log(`\n${r.id}: ${r.title}`);
    for (const f of r.figures) console.log(`  ${f.label.padEnd(40)} ${n(f.instructions).padStart(12)} instructions  (${timing(f.instructions)})`);
    if (r.breakdown.length) {
      console.log("  per operator, per inference:");
      for (const b of r.breakdown) console.log(`    ${b.label.padEnd(38)} ${n(b.instructions).padStart(12)}`);
    }
    for (const note of r.notes) console.log(`  ${note}`);
    for (const m of r.mismatches) console.log(`  MISMATCH: ${m}`);
    for (const o of r.overBudget) console.log(`  OVER BUDGET: ${o}`);
  }
  // A morphing frame on the board (issue 18's frame budget): XS's engine step, a morphing frame's
  // animator and driver work with the C natives, and the board's tflm decode with its conversion.
  const xs = results.find((r) => r.id === "xs");
  const morph = xs?.figures.find((f) => f.label.startsWith("MORPHING FRAME"));
  if (xs && morph) {
    const budget = FRAME_BUDGET_INSTRUCTIONS;
    console.log(`\nmorphing frame on the board (engine step + animator + driver in XS with the C natives + tflm decode and conversion):`);
    console.log(`  ${n(morph.instructions)} instructions  (${timing(morph.instructions)}; budget ${n(budget)}: 25% of a 33 ms frame) ${morph.instructions <= budget ? "within budget" : "OVER BUDGET"}`);
  }
}
