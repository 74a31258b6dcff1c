/*
 * Prints the XS path's figures on the emulated ESP32-S3 (several minutes: the main run and six phase
 * runs): `MOODFACE_S3_KIT=../shared/s3-emulator npx tsx tools/s3/xs/figures.ts`.
 */
import { xsS3BenchFigures } from "./device-xs.js";

const f = xsS3BenchFigures();
for (const r of f.rows) console.log(`${r.what.padEnd(72)} ${String(r.instructions).padStart(11)} instructions  ${r.ms.toFixed(2).padStart(6)} ms  ${r.frameShare.toFixed(1).padStart(6)}% of 33 ms`);
const h = f.heap;
console.log(`XS heap: realm ${h.realmSlots} slots / ${h.realmChunks} chunk bytes; above it peak ${h.appPeakSlots} slots (ESP32 fixed ${h.esp32.heapSlots}), ${h.appPeakChunks} chunk bytes (ESP32 ${h.esp32.chunkBytes}); live at the end ${h.end.slots - h.realmSlots} slots; malloc ${h.end.malloc} bytes`);
console.log(`panel from the S3's bus bytes equals the host's: ${f.panelMatchesHost}`);
